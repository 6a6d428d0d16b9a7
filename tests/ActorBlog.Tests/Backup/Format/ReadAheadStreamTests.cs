using System.Security.Cryptography;
using ActorBlog.Backup.Format;

namespace ActorBlog.Tests.Backup.Format;

public sealed class ReadAheadStreamTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(256 * 1024)] // exactly one of its buffers
    [InlineData(3 * 1024 * 1024 + 17)] // more than it holds ahead, not a multiple of a buffer
    public async Task Reads_exactly_the_source_bytes_whatever_the_reader_asks_for(int length)
    {
        var source = RandomNumberGenerator.GetBytes(length);
        await using var ahead = new ReadAheadStream(new MemoryStream(source));

        var read = new MemoryStream();
        var buffer = new byte[7919]; // a prime: reads straddle the pump's buffers
        int n;
        while ((n = await ahead.ReadAsync(buffer)) > 0) read.Write(buffer, 0, n);

        Assert.Equal(source, read.ToArray());
        Assert.Equal(0, await ahead.ReadAsync(buffer)); // and the end stays the end
    }

    [Fact]
    public async Task A_failing_source_fails_the_reader_with_its_own_exception_after_the_bytes_before_it()
    {
        var good = RandomNumberGenerator.GetBytes(100_000);
        await using var ahead = new ReadAheadStream(new FailingAfter(good, new BackupCorruptException("the store's checksum differs")));

        var read = new MemoryStream();
        var buffer = new byte[4096];
        var e = await Assert.ThrowsAsync<BackupCorruptException>(async () =>
        {
            int n;
            while ((n = await ahead.ReadAsync(buffer)) > 0) read.Write(buffer, 0, n);
        });

        Assert.Equal("the store's checksum differs", e.Message);
        Assert.Equal(good, read.ToArray());
    }

    [Fact]
    public async Task Disposing_stops_the_pump_and_waits_for_it_so_the_source_is_not_being_read_after()
    {
        var source = new StallingSource();
        var ahead = new ReadAheadStream(source);
        Assert.True(await ahead.ReadAsync(new byte[10]) > 0);
        await source.Stalled.Task; // the pump is now inside a read that only cancellation ends

        await ahead.DisposeAsync();

        Assert.False(source.Reading);
    }

    /// <summary>Hands out its bytes, then throws what it was given, as an S3 body does when the MD5 differs at the end.</summary>
    private sealed class FailingAfter(byte[] bytes, Exception failure) : OneWayStream
    {
        private int _offset;

        public override bool CanRead => true;
        public override bool CanWrite => false;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (_offset == bytes.Length) return ValueTask.FromException<int>(failure);
            var n = Math.Min(buffer.Length, Math.Min(1000, bytes.Length - _offset));
            bytes.AsSpan(_offset, n).CopyTo(buffer.Span);
            _offset += n;
            return ValueTask.FromResult(n);
        }
    }

    /// <summary>One buffer of bytes, then a read that waits until it is cancelled, as a stalled connection would.</summary>
    private sealed class StallingSource : OneWayStream
    {
        private int _reads;
        private int _reading;

        public TaskCompletionSource Stalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Reading => Volatile.Read(ref _reading) != 0;

        public override bool CanRead => true;
        public override bool CanWrite => false;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (Interlocked.Increment(ref _reads) == 1)
            {
                buffer.Span.Fill(0x5A);
                return buffer.Length;
            }
            Interlocked.Exchange(ref _reading, 1);
            try
            {
                Stalled.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
                return 0;
            }
            finally
            {
                Interlocked.Exchange(ref _reading, 0);
            }
        }
    }
}
