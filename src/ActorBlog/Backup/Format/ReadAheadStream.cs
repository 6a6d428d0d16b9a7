using System.Buffers;
using System.Threading.Channels;

namespace ActorBlog.Backup.Format;

/// <summary>
/// Reads its source on a task of its own, a few buffers ahead of the reader. A restore's source
/// costs CPU per byte (the network, the SDK's MD5, our SHA-256) and so does its reader (zstd):
/// one after the other they add up, side by side they take one core each. A failure of the
/// source reaches the reader as it is, at the point of the stream where it happened.
/// Disposing stops the pump and waits for it, so the source is never read after its owner
/// closes it.
/// </summary>
internal sealed class ReadAheadStream : OneWayStream
{
    private const int BufferSize = 256 * 1024;
    private const int BuffersAhead = 8; // 2 MiB: enough to ride out a slow read, small beside a restore's file.

    private readonly Channel<(byte[] Buffer, int Count)> _filled =
        Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(BuffersAhead) { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private byte[]? _current;
    private int _offset;
    private int _count;

    public ReadAheadStream(Stream source)
    {
        _pump = Task.Run(() => PumpAsync(source, _stop.Token));
    }

    public override bool CanRead => true;
    public override bool CanWrite => false;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (buffer.IsEmpty) return 0;
        while (_current is null || _offset == _count)
        {
            Release();
            if (!await _filled.Reader.WaitToReadAsync(ct).ConfigureAwait(false)) return 0;
            if (_filled.Reader.TryRead(out var next)) (_current, _offset, _count) = (next.Buffer, 0, next.Count);
        }
        var n = Math.Min(buffer.Length, _count - _offset);
        _current.AsSpan(_offset, n).CopyTo(buffer.Span);
        _offset += n;
        return n;
    }

    // Sync reads (none in the decoder) block on the async path; never on a dispatcher, the decoder runs on the pool.
    public override int Read(Span<byte> buffer)
    {
        var rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var n = ReadAsync(rented.AsMemory(0, buffer.Length)).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private async Task PumpAsync(Stream source, CancellationToken ct)
    {
        byte[]? buffer = null;
        var filled = 0;
        try
        {
            while (true)
            {
                buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                filled = 0;
                int n;
                while (filled < BufferSize && (n = await source.ReadAsync(buffer.AsMemory(filled, BufferSize - filled), ct).ConfigureAwait(false)) > 0)
                    filled += n;
                if (filled == 0) break;
                await Publish(buffer, filled, ct).ConfigureAwait(false);
                buffer = null;
                if (filled < BufferSize) break;
            }
            _filled.Writer.TryComplete();
        }
        catch (Exception e)
        {
            // The reader gets the bytes that came before the failure, then the source's own exception
            // (a BackupCorruptException, an IOException), just as if it had read the source itself.
            if (buffer is not null && filled > 0 && !ct.IsCancellationRequested && await TryPublish(buffer, filled).ConfigureAwait(false))
                buffer = null;
            _filled.Writer.TryComplete(e);
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private ValueTask Publish(byte[] buffer, int count, CancellationToken ct) => _filled.Writer.WriteAsync((buffer, count), ct);

    private async ValueTask<bool> TryPublish(byte[] buffer, int count)
    {
        try
        {
            await Publish(buffer, count, _stop.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Release()
    {
        if (_current is not null) ArrayPool<byte>.Shared.Return(_current);
        _current = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) StopAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private async ValueTask StopAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Release();
        while (_filled.Reader.TryRead(out var left)) ArrayPool<byte>.Shared.Return(left.Buffer);
        _stop.Dispose();
    }
}
