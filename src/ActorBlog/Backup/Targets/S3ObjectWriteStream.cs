using System.Buffers;
using System.Security.Cryptography;
using ActorBlog.Backup.Format;
using Amazon.S3;
using Amazon.S3.Model;

namespace ActorBlog.Backup.Targets;

/// <summary>
/// The write side of <see cref="S3BackupTarget.PutStreamAsync"/>: bytes fill part-sized buffers.
/// Up to <paramref name="singlePutLimit"/> bytes are held, and an object that ends within them is
/// sent as one PutObject by <see cref="CompleteAsync"/>: a multipart upload costs the store a
/// completion that re-reads every part (s3rver, 170-240 ms for 22 MB here), and costs us a second
/// MD5 pass (<see cref="UploadChecksum"/>). Past the limit the held buffers go up as the first parts
/// of a multipart upload, and from then on each full buffer goes up while the writer fills the
/// other, so encoding and uploading overlap and memory stays at two parts.
/// Nothing is visible under the key until <see cref="CompleteAsync"/> succeeds; after a failure
/// the caller calls <see cref="AbortAsync"/>.
/// </summary>
internal sealed class S3ObjectWriteStream : OneWayStream
{
    private readonly IAmazonS3 _client;
    private readonly string _bucket;
    private readonly string _key;
    private readonly int _partSize;
    private readonly int _singlePutLimit;
    private readonly CancellationToken _ct;
    private readonly List<byte[]> _rented = [];
    private byte[] _filling;
    private readonly List<byte[]> _held = []; // full buffers before the first part went up: the object may still be one PutObject
    private byte[]? _spare; // the buffer of the part in flight, free again once it is sent
    private int _filled;
    private Task? _inFlight;
    private string? _uploadId;
    private readonly List<PartETag> _parts = [];
    private readonly UploadChecksum _checksum = new();

    public S3ObjectWriteStream(IAmazonS3 client, string bucket, string key, int partSize, int singlePutLimit, CancellationToken ct)
    {
        (_client, _bucket, _key, _partSize, _singlePutLimit, _ct) = (client, bucket, key, partSize, singlePutLimit, ct);
        _filling = Rent();
    }

    public override bool CanRead => false;
    public override bool CanWrite => true;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken token = default)
    {
        while (!buffer.IsEmpty)
        {
            // A full buffer is sent only once more bytes arrive: until then it may be the whole object.
            if (_filled == _partSize)
                await FilledAsync().ConfigureAwait(false);
            buffer = buffer[Fill(buffer.Span)..];
        }
    }

    private int Fill(ReadOnlySpan<byte> bytes)
    {
        var n = Math.Min(bytes.Length, _partSize - _filled);
        bytes[..n].CopyTo(_filling.AsSpan(_filled));
        _filled += n;
        return n;
    }

    /// <summary>Makes the object visible; true when the store's answer confirms that it holds exactly the bytes written (<see cref="UploadChecksum"/>).</summary>
    public async Task<bool> CompleteAsync()
    {
        if (_uploadId is null)
        {
            var (whole, length) = HeldObject();
            var md5 = MD5.HashData(whole.AsSpan(0, length));
            using var body = new MemoryStream(whole, 0, length, writable: false);
            var request = new PutObjectRequest
            {
                BucketName = _bucket,
                Key = _key,
                InputStream = body,
                AutoCloseStream = false,
                // Without this the SDK streams aws-chunked framing, which s3rver stores as the object.
                UseChunkEncoding = false,
            };
            var put = await _client.PutObjectAsync(request, _ct).ConfigureAwait(false);
            return UploadChecksum.ConfirmsSingle(put.ETag, md5);
        }

        if (_filled > 0) // otherwise the part in flight was the last
            await SendFilledPartAsync().ConfigureAwait(false);
        await _inFlight!.ConfigureAwait(false);
        var complete = await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = _bucket,
            Key = _key,
            UploadId = _uploadId,
            PartETags = _parts,
        }, _ct).ConfigureAwait(false);
        return _checksum.Confirms(complete.ETag);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _checksum.Dispose();
            // Every part is sent or given up by now (CompleteAsync and AbortAsync wait for the one in flight).
            foreach (var buffer in _rented) ArrayPool<byte>.Shared.Return(buffer);
            _rented.Clear();
        }
        base.Dispose(disposing);
    }

    /// <summary>
    /// Part buffers come from the shared pool, so back-to-back backups in a server reuse the same few
    /// rather than allocating new ones on the large-object heap each time, whose budget, once
    /// spent, costs a full (gen2) collection.
    /// </summary>
    private byte[] Rent()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_partSize);
        _rented.Add(buffer);
        return buffer;
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
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = _key, UploadId = _uploadId })
                .ConfigureAwait(false);
        }
        catch (Exception)
        {
            // swallowed on purpose, see above
        }
    }

    /// <summary>The held buffers and the one filling, as one array (a copy only when there is more than one).</summary>
    private (byte[] Whole, int Length) HeldObject()
    {
        if (_held.Count == 0) return (_filling, _filled);
        var whole = GC.AllocateUninitializedArray<byte>(_held.Count * _partSize + _filled);
        for (var i = 0; i < _held.Count; i++) _held[i].CopyTo(whole, i * _partSize);
        _filling.AsSpan(0, _filled).CopyTo(whole.AsSpan(_held.Count * _partSize));
        return (whole, whole.Length);
    }

    /// <summary>The buffer being filled is full and more bytes came: hold it while the object may still be one PutObject, otherwise send it.</summary>
    private async Task FilledAsync()
    {
        if (_uploadId is null && (_held.Count + 2) * _partSize <= _singlePutLimit)
        {
            _held.Add(_filling);
            _filling = Rent();
            _filled = 0;
            return;
        }
        if (_uploadId is null)
        {
            _uploadId = (await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = _key }, _ct)
                .ConfigureAwait(false)).UploadId;
            // The held buffers go first, one after another; one of them is the spare once they are all up.
            var held = _held.ToArray();
            _held.Clear();
            _inFlight = Task.Run(async () =>
            {
                for (var i = 0; i < held.Length; i++)
                    await UploadPartAsync(held[i], _partSize, i + 1).ConfigureAwait(false);
            }, _ct);
            if (held.Length > 0) _spare = held[^1];
        }
        await SendFilledPartAsync().ConfigureAwait(false);
    }

    private async Task SendFilledPartAsync()
    {
        if (_inFlight is not null)
            await _inFlight.ConfigureAwait(false); // one part in flight at a time: its buffer is the next one to fill
        var (part, length, number) = (_filling, _filled, _parts.Count + 1);
        _filling = _spare ?? Rent();
        _spare = part;
        _filled = 0;
        _inFlight = Task.Run(() => UploadPartAsync(part, length, number), _ct);
    }

    private async Task UploadPartAsync(byte[] part, int length, int number)
    {
        // Parts are hashed in order: one upload is in flight at a time.
        _checksum.AddPart(part.AsSpan(0, length));
        using var body = new MemoryStream(part, 0, length, writable: false);
        var response = await _client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = _bucket,
            Key = _key,
            UploadId = _uploadId,
            PartNumber = number,
            PartSize = length,
            InputStream = body,
            UseChunkEncoding = false,
        }, _ct).ConfigureAwait(false);
        _parts.Add(new PartETag(number, response.ETag));
    }
}
