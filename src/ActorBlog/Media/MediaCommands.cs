using ActorBlog.Posts;

namespace ActorBlog.Media;

/// <summary>
/// Stores an inspected image: its bytes are streamed from <see cref="Staged"/> into a BLOB by the
/// one writer, so the upload is never held in memory twice. The caller deletes the staged file.
/// </summary>
public sealed record StoreMedia(StagedImage Staged) : PostCommand;

public sealed record DeleteMedia(long Id) : PostCommand;

public sealed record MediaStored(MediaItem Media) : WriteResult;

public sealed record MediaDeleted(long Id) : WriteResult;

public sealed record MediaNotFound(long Id) : WriteResult;

/// <summary>An upload on disk that decoded whole within the limits, with its page-sized copies.</summary>
public sealed record StagedImage(
    string Path,
    string FileName,
    ImageKind Kind,
    long Bytes,
    string Sha256,
    int Width,
    int Height,
    IReadOnlyList<MediaVariant> Variants);
