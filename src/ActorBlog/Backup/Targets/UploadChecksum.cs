using System.Security.Cryptography;

namespace ActorBlog.Backup.Targets;

/// <summary>
/// What an S3-compatible store's ETag is checked against, computed over the bytes of an upload as
/// they are sent, part after part in order. A store that answers an ETag computed itself over every
/// byte it received confirms the upload as well as reading it back would (contract 6.2):
/// <list type="bullet">
/// <item>a single PutObject: the MD5 of the body (every store, unless it encrypts with SSE-KMS or SSE-C);</item>
/// <item>a multipart upload on S3, Spaces, MinIO, Ceph: the MD5 of the parts' MD5s, then "-" and the part count;</item>
/// <item>a multipart upload on s3rver: the MD5 of the whole assembled object, which it re-reads.</item>
/// </list>
/// Any other answer (an encrypting store, a clone with ETags of its own) confirms nothing, and the
/// caller reads the object back.
/// </summary>
internal sealed class UploadChecksum : IDisposable
{
    private readonly IncrementalHash _whole = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly IncrementalHash _partDigests = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private int _parts;

    /// <summary>Adds the next part of a multipart upload.</summary>
    public void AddPart(ReadOnlySpan<byte> part)
    {
        _whole.AppendData(part);
        _partDigests.AppendData(MD5.HashData(part));
        _parts++;
    }

    /// <summary>True when <paramref name="etag"/>, the store's answer to completing the upload of the parts added, is one of the checksums above.</summary>
    public bool Confirms(string? etag)
    {
        if (_parts == 0) throw new InvalidOperationException("No part was added.");
        var answer = Unquote(etag);
        return answer is not null &&
               (Matches(answer, Convert.ToHexStringLower(_whole.GetCurrentHash())) ||
                Matches(answer, Convert.ToHexStringLower(_partDigests.GetCurrentHash()) + "-" + _parts));
    }

    /// <summary>True when <paramref name="etag"/>, a store's answer to a single PutObject, is <paramref name="bodyMd5"/>, the MD5 of what was sent.</summary>
    public static bool ConfirmsSingle(string? etag, byte[] bodyMd5) =>
        Unquote(etag) is { } answer && Matches(answer, Convert.ToHexStringLower(bodyMd5));

    private static string? Unquote(string? etag) => etag?.Trim().Trim('"');

    private static bool Matches(string answer, string expected) => string.Equals(answer, expected, StringComparison.OrdinalIgnoreCase);

    public void Dispose()
    {
        _whole.Dispose();
        _partDigests.Dispose();
    }
}
