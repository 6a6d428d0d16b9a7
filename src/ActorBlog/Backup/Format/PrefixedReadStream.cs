namespace ActorBlog.Backup.Format;

/// <summary>
/// Replays a few bytes already taken from a non-seekable stream (the sniffed magic number)
/// before reading on from it, so the format can be detected without buffering the object.
/// </summary>
internal sealed class PrefixedReadStream(ReadOnlyMemory<byte> prefix, Stream rest) : OneWayStream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override bool CanRead => true;
    public override bool CanWrite => false;

    public override int Read(Span<byte> buffer)
    {
        if (_prefix.IsEmpty) return rest.Read(buffer);
        return TakePrefix(buffer);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_prefix.IsEmpty) return rest.ReadAsync(buffer, ct);
        return ValueTask.FromResult(TakePrefix(buffer.Span));
    }

    private int TakePrefix(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..n].CopyTo(buffer);
        _prefix = _prefix[n..];
        return n;
    }
}
