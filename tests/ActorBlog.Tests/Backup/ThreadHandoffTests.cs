using System.Buffers;
using System.Security.Cryptography;
using ActorBlog.Backup;
using ActorBlog.Backup.Format;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;

namespace ActorBlog.Tests.Backup;

public sealed class ThreadHandoffTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Bytes_written_on_a_thread_arrive_whole_and_in_order_then_the_copy_ends()
    {
        var bytes = RandomNumberGenerator.GetBytes(10_000);
        using var handoff = new ThreadHandoff(blockSize: 64, capacity: 3, ArrayPool<byte>.Shared);
        var writing = BackgroundThread.Run("test writer", lowPriority: false, () =>
        {
            try
            {
                // Sizes that straddle the blocks, and an empty write.
                for (int at = 0, size = 1; at < bytes.Length; at += size, size = size % 97 + 13)
                    handoff.Writer.Write(bytes.AsSpan(at, Math.Min(size, bytes.Length - at)));
                handoff.Writer.Write([]);
            }
            finally
            {
                handoff.WriterDone();
            }
        });
        var copied = new MemoryStream();

        await handoff.CopyToAsync(copied, CancellationToken.None).WaitAsync(Patience);
        await writing;

        Assert.Equal(bytes, copied.ToArray());
    }

    [Fact]
    public async Task The_writer_waits_while_the_reader_is_behind_holding_no_more_than_its_capacity()
    {
        const int blockSize = 16, capacity = 2;
        using var handoff = new ThreadHandoff(blockSize, capacity, ArrayPool<byte>.Shared);
        var written = 0;
        Thread? writer = null;
        var writing = BackgroundThread.Run("test writer", lowPriority: false, () =>
        {
            writer = Thread.CurrentThread;
            try
            {
                for (var i = 0; i < 100; i++)
                {
                    handoff.Writer.Write(new byte[blockSize]);
                    Interlocked.Increment(ref written);
                }
            }
            finally
            {
                handoff.WriterDone();
            }
        });
        var destination = new GatedStream();
        var copying = handoff.CopyToAsync(destination, CancellationToken.None);

        // The reader holds one block in a write that has not returned, the queue is full, and the writer waits with the next.
        await Eventually.Until(
            () => Task.FromResult((Waiting: writer?.ThreadState.HasFlag(ThreadState.WaitSleepJoin) == true, Written: Volatile.Read(ref written), destination.Entered)),
            state => state is { Waiting: true, Written: 1 + capacity, Entered: 1 }, Patience, "the writer waiting with capacity + 1 blocks out");

        destination.Open();
        await copying.WaitAsync(Patience);
        await writing;
        Assert.Equal(100 * blockSize, destination.Length);
    }

    [Fact]
    public async Task A_reader_that_stops_releases_a_waiting_writer_whose_next_write_throws()
    {
        using var handoff = new ThreadHandoff(blockSize: 8, capacity: 1, ArrayPool<byte>.Shared);
        var writing = BackgroundThread.Run("test writer", lowPriority: false, () =>
        {
            try
            {
                while (true) handoff.Writer.Write(new byte[8]);
            }
            finally
            {
                handoff.WriterDone();
            }
        });

        var failed = await Assert.ThrowsAsync<IOException>(() => handoff.CopyToAsync(new RefusingStream(), CancellationToken.None).WaitAsync(Patience));
        handoff.ReaderGone();

        Assert.Equal("the store hung up", failed.Message);
        await Assert.ThrowsAsync<OperationCanceledException>(() => writing.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_cancelled_reader_stops_waiting_for_a_writer_that_writes_nothing()
    {
        using var handoff = new ThreadHandoff(blockSize: 8, capacity: 1, ArrayPool<byte>.Shared);
        using var cancel = new CancellationTokenSource();

        var copying = handoff.CopyToAsync(new MemoryStream(), cancel.Token);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => copying.WaitAsync(Patience));
    }

    /// <summary>Accepts writes only once opened; counts the writes that have started.</summary>
    private sealed class GatedStream : OneWayStream
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _entered;
        private long _length;

        public int Entered => Volatile.Read(ref _entered);
        public override long Length => Interlocked.Read(ref _length);
        public override bool CanRead => false;
        public override bool CanWrite => true;

        public void Open() => _open.TrySetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            Interlocked.Increment(ref _entered);
            await _open.Task;
            Interlocked.Add(ref _length, buffer.Length);
        }
    }
}
