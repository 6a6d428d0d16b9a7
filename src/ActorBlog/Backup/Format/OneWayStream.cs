namespace ActorBlog.Backup.Format;

/// <summary>
/// What the format's streams share: each is read or written once, front to back, so none has a
/// length or a position or can seek. A derived stream says which way it goes (CanRead, CanWrite)
/// and overrides the span and memory overloads of that way only; the other way throws
/// NotSupportedException.
/// </summary>
public abstract class OneWayStream : Stream
{
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Flush() { }

    // Stream's default would queue Flush to the pool; these streams flush synchronously or not at all.
    public override Task FlushAsync(CancellationToken ct)
    {
        Flush();
        return Task.CompletedTask;
    }

    // The array overloads forward to the span and memory ones, which a derived stream overrides
    // for its own way; Stream's defaults for those would call back into the array overloads.
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override int Read(Span<byte> buffer) => throw new NotSupportedException();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
        ValueTask.FromException<int>(new NotSupportedException());

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override void Write(ReadOnlySpan<byte> buffer) => throw new NotSupportedException();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) =>
        ValueTask.FromException(new NotSupportedException());
}
