using ActorBlog.Backup.Format;
using Amazon.Runtime;
using Amazon.S3.Model;

namespace ActorBlog.Backup.Targets;

/// <summary>
/// The body of one GET. The SDK checks a single-part object's bytes against its ETag (an MD5) as
/// the last byte is read, or when a fully read body is disposed, and throws its own
/// <see cref="AmazonClientException"/>; here that becomes the <see cref="BackupCorruptException"/>
/// every target throws for damage, so callers never see which check caught it.
/// A connection cut mid-body stays an <see cref="IOException"/>: the stored bytes may be fine.
/// </summary>
internal sealed class S3ObjectReadStream(GetObjectResponse response, string where) : Stream
{
    private readonly Stream _body = response.ResponseStream;

    public override bool CanRead => true;
    public override bool CanWrite => false;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return _body.Read(buffer);
        }
        catch (AmazonClientException e)
        {
            throw Damaged(e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        try
        {
            return await _body.ReadAsync(buffer, ct).ConfigureAwait(false);
        }
        catch (AmazonClientException e)
        {
            throw Damaged(e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                response.Dispose();
            }
            catch (AmazonClientException e)
            {
                throw Damaged(e);
            }
        }
        base.Dispose(disposing);
    }

    // The only AmazonClientException a body read raises is that checksum (the store's own errors
    // are AmazonServiceExceptions, the network's IOExceptions); its message is not matched, it changes.
    private BackupCorruptException Damaged(AmazonClientException e) =>
        new($"{where} is not what was stored: its bytes do not match the MD5 (ETag) the store keeps for it.", e);

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
