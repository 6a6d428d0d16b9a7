using System.Security.Cryptography;

namespace ActorBlog.Backup.Format;

/// <summary>
/// Passes bytes through in either direction and hashes exactly the bytes that passed, so the
/// checksum of a backup describes the bytes the target holds without a second pass over them.
/// </summary>
internal sealed class HashingStream(Stream inner, bool leaveOpen) : OneWayStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private string? _hex;

    public long BytesHashed { get; private set; }

    /// <summary>Lowercase hex SHA-256 of everything read or written so far; ends hashing.</summary>
    public string Sha256Hex => _hex ??= Convert.ToHexStringLower(_hash.GetHashAndReset());

    public override bool CanRead => inner.CanRead;
    public override bool CanWrite => inner.CanWrite;
    public override long Position
    {
        get => BytesHashed;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Append(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var n = await inner.ReadAsync(buffer, ct).ConfigureAwait(false);
        Append(buffer.Span[..n]);
        return n;
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Append(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        await inner.WriteAsync(buffer, ct).ConfigureAwait(false);
        Append(buffer.Span);
    }

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_hex is not null)
            throw new InvalidOperationException("The hash was already taken.");
        _hash.AppendData(bytes);
        BytesHashed += bytes.Length;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            if (!leaveOpen) inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
