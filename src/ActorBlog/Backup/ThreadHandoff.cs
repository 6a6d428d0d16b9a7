using System.Buffers;

namespace ActorBlog.Backup;

/// <summary>
/// Bytes written on a <see cref="BackgroundThread"/> step (synchronously, maybe at low priority)
/// and copied by an async reader on the pool into a stream that wants async writes (an upload).
/// At most <c>capacity</c> blocks wait in between (and one more in the reader's write, one being
/// filled): the writer waits when the reader falls behind, the reader awaits when the writer does.
/// <para>
/// The writer never queues work to the pool, for the reason <see cref="BackgroundThread"/> gives:
/// it wakes the reader by setting a wait handle that a pool wait thread observes. The reader
/// wakes the writer with a plain monitor pulse.
/// </para>
/// <para>
/// Protocol: the writer writes into <see cref="Writer"/> and calls <see cref="WriterDone"/> last,
/// whatever happened; the reader runs <see cref="CopyToAsync"/> once, and if that throws, calls
/// <see cref="ReaderGone"/>, after which the writer's next write throws.
/// </para>
/// </summary>
internal sealed class ThreadHandoff : IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<(byte[] Buffer, int Length)> _full = new();
    private readonly AutoResetEvent _published = new(false);
    private readonly ArrayPool<byte> _blocks;
    private readonly int _blockSize;
    private readonly int _capacity;
    private byte[]? _filling;
    private int _filled;
    private bool _writerDone;
    private bool _readerGone;

    /// <param name="blocks">Where blocks are rented and returned (by both threads).</param>
    public ThreadHandoff(int blockSize, int capacity, ArrayPool<byte> blocks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        (_blockSize, _capacity, _blocks) = (blockSize, capacity, blocks);
        Writer = new WriteSide(this);
    }

    /// <summary>The writer's end: synchronous writes only, from one thread.</summary>
    public Stream Writer { get; }

    /// <summary>Hands over what is still buffered and tells the reader there is no more. Call once, last, on the writer's thread.</summary>
    public void WriterDone()
    {
        if (_filled > 0) TryPublish(); // nobody to hand it to when the reader is gone
        lock (_gate) _writerDone = true;
        _published.Set();
    }

    /// <summary>The reader stopped (its copy threw): the writer's next write throws, and so does one waiting for room that never comes.</summary>
    public void ReaderGone()
    {
        lock (_gate)
        {
            _readerGone = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Writes every block, in order, until the writer is done; then flushes <paramref name="destination"/>.</summary>
    public async Task CopyToAsync(Stream destination, CancellationToken ct)
    {
        while (true)
        {
            (byte[] Buffer, int Length) block;
            lock (_gate)
            {
                if (!_full.TryDequeue(out block))
                {
                    if (_writerDone) break;
                    block = default;
                }
                else Monitor.PulseAll(_gate); // room for the writer
            }
            if (block.Buffer is null)
            {
                await BackgroundThread.SignalledAsync(_published, ct).ConfigureAwait(false);
                continue;
            }
            try
            {
                await destination.WriteAsync(block.Buffer.AsMemory(0, block.Length), ct).ConfigureAwait(false);
            }
            finally
            {
                _blocks.Return(block.Buffer);
            }
        }
        await destination.FlushAsync(ct).ConfigureAwait(false);
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        if (Volatile.Read(ref _readerGone)) throw ReaderStopped();
        while (!bytes.IsEmpty)
        {
            _filling ??= _blocks.Rent(_blockSize);
            var n = Math.Min(bytes.Length, _blockSize - _filled);
            bytes[..n].CopyTo(_filling.AsSpan(_filled));
            _filled += n;
            bytes = bytes[n..];
            if (_filled == _blockSize) Publish();
        }
    }

    private void Publish()
    {
        if (!TryPublish()) throw ReaderStopped();
    }

    private static OperationCanceledException ReaderStopped() => new("The reader of the handoff stopped.");

    /// <summary>Queues the filled block once there is room; false, keeping it, when the reader is gone.</summary>
    private bool TryPublish()
    {
        lock (_gate)
        {
            while (_full.Count >= _capacity && !_readerGone) Monitor.Wait(_gate);
            if (_readerGone) return false;
            _full.Enqueue((_filling!, _filled));
        }
        (_filling, _filled) = (null, 0);
        _published.Set();
        return true;
    }

    public void Dispose()
    {
        // Both sides are done by now: what is left was never read.
        if (_filling is not null) _blocks.Return(_filling);
        _filling = null;
        while (_full.TryDequeue(out var left)) _blocks.Return(left.Buffer);
        _published.Dispose();
    }

    private sealed class WriteSide(ThreadHandoff handoff) : Format.OneWayStream
    {
        public override bool CanRead => false;
        public override bool CanWrite => true;
        public override void Write(ReadOnlySpan<byte> buffer) => handoff.Write(buffer);
    }
}
