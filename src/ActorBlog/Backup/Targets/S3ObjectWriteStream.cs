using System.Security.Cryptography;
using ActorBlog.Backup.Format;
using Amazon.S3;
using Amazon.S3.Model;

namespace ActorBlog.Backup.Targets;

/// <summary>
/// The write side of <see cref="S3BackupTarget.PutStreamAsync"/>: bytes fill a part-sized buffer;
/// each full buffer goes up as a multipart part while the writer fills the other one, so encoding
/// and uploading overlap and memory stays at two parts. An object that never fills a part is sent
/// as one PutObject by <see cref="CompleteAsync"/>. Nothing is visible under the key until
/// <see cref="CompleteAsync"/> succeeds; after a failure the caller calls <see cref="AbortAsync"/>.
/// </summary>
internal sealed class S3ObjectWriteStream(IAmazonS3 client, string bucket, string key, int partSize, CancellationToken ct) : OneWayStream
{
    private byte[] _filling = new byte[partSize];
    private byte[]? _spare; // the buffer of the part in flight, free again once it is sent
    private int _filled;
    private Task? _inFlight;
    private string? _uploadId;
    private readonly List<PartETag> _parts = [];
    private readonly UploadChecksum _checksum = new();

    public override bool CanRead => false;
    public override bool CanWrite => true;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken token = default)
    {
        while (!buffer.IsEmpty)
        {
            // A full buffer is sent only once more bytes arrive: until then it may be the whole object.
            if (_filled == _filling.Length)
                await SendFilledPartAsync().ConfigureAwait(false);
            var n = Math.Min(buffer.Length, _filling.Length - _filled);
            buffer.Span[..n].CopyTo(_filling.AsSpan(_filled));
            _filled += n;
            buffer = buffer[n..];
        }
    }

    public override Task FlushAsync(CancellationToken token) => Task.CompletedTask;

    /// <summary>Makes the object visible; true when the store's answer confirms that it holds exactly the bytes written (<see cref="UploadChecksum"/>).</summary>
    public async Task<bool> CompleteAsync()
    {
        if (_uploadId is null)
        {
            var md5 = MD5.HashData(_filling.AsSpan(0, _filled));
            using var body = new MemoryStream(_filling, 0, _filled, writable: false);
            var request = new PutObjectRequest
            {
                BucketName = bucket,
                Key = key,
                InputStream = body,
                AutoCloseStream = false,
                // Without this the SDK streams aws-chunked framing, which s3rver stores as the object.
                UseChunkEncoding = false,
            };
            var put = await client.PutObjectAsync(request, ct).ConfigureAwait(false);
            return UploadChecksum.ConfirmsSingle(put.ETag, md5);
        }

        if (_filled > 0) // otherwise the part in flight was the last
            await SendFilledPartAsync().ConfigureAwait(false);
        await _inFlight!.ConfigureAwait(false);
        var complete = await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = key,
            UploadId = _uploadId,
            PartETags = _parts,
        }, ct).ConfigureAwait(false);
        return _checksum.Confirms(complete.ETag);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _checksum.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Best effort after a failure: some clones (s3rver) do not implement abort, and the original error matters more.</summary>
    public async Task AbortAsync()
    {
        if (_inFlight is not null)
        {
            try
            {
                await _inFlight.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // the failure the caller is already handling, or one after it
            }
        }
        if (_uploadId is null) return;
        try
        {
            await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = _uploadId })
                .ConfigureAwait(false);
        }
        catch (Exception)
        {
            // swallowed on purpose, see above
        }
    }

    private async Task SendFilledPartAsync()
    {
        _uploadId ??= (await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, ct)
            .ConfigureAwait(false)).UploadId;
        if (_inFlight is not null)
            await _inFlight.ConfigureAwait(false); // one part in flight at a time: its buffer is the next one to fill
        var (part, length, number) = (_filling, _filled, _parts.Count + 1);
        _filling = _spare ?? new byte[partSize];
        _spare = part;
        _filled = 0;
        _inFlight = Task.Run(() => UploadPartAsync(part, length, number), ct);
    }

    private async Task UploadPartAsync(byte[] part, int length, int number)
    {
        // Parts are hashed in order: one is in flight at a time.
        _checksum.AddPart(part.AsSpan(0, length));
        using var body = new MemoryStream(part, 0, length, writable: false);
        var response = await client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket,
            Key = key,
            UploadId = _uploadId,
            PartNumber = number,
            PartSize = length,
            InputStream = body,
            UseChunkEncoding = false,
        }, ct).ConfigureAwait(false);
        _parts.Add(new PartETag(number, response.ETag));
    }
}
