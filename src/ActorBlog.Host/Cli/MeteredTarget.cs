using ActorBlog.Backup;
using ActorBlog.Backup.Format;
using ActorBlog.Backup.Targets;

namespace ActorBlog.Host.Cli;

/// <summary>
/// The configured target with the CLI's progress around it: each data object read shows its
/// bytes as they arrive, each upload its time. Manifests read by a listing teach it the sizes of
/// the data objects they describe, so a bar knows its end before the first byte. Only for the CLI:
/// the host's actors report through metrics instead.
/// </summary>
public sealed class MeteredTarget(IBackupTarget inner) : IBackupTarget
{
    public string Describe() => inner.Describe();

    /// <summary>Counts what goes up, and then knows the size of the read-back that verifies it.</summary>
    public async Task<bool> PutStreamAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken ct)
    {
        if (IsManifest(key)) return await inner.PutStreamAsync(key, write, ct);
        var transfer = Progress.Start($"Uploading {Path.GetFileName(key)}", null, indeterminate: true);
        long bytes = 0;
        var confirmed = await inner.PutStreamAsync(key, (stream, token) => write(new CountingWriteStream(stream, n =>
        {
            bytes += n;
            transfer.Moved(n);
        }), token), ct);
        transfer.Done();
        Progress.Expect(key, bytes);
        return confirmed;
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken ct)
    {
        var stream = await inner.OpenReadAsync(key, ct);
        if (IsManifest(key)) return await LearnSizeAsync(stream, ct);
        return new CountingStream(stream, Progress.Start($"Reading {Path.GetFileName(key)}", Progress.SizeOf(key), indeterminate: false));
    }

    public Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken ct) => inner.ListKeysAsync(prefix, ct);

    public Task DeleteAsync(string key, CancellationToken ct) => inner.DeleteAsync(key, ct);

    private static bool IsManifest(string key) => key.EndsWith(BackupNaming.ManifestSuffix, StringComparison.Ordinal);

    /// <summary>
    /// Reads the manifest (no more than the catalog itself would: it refuses anything over 64 KiB)
    /// and hands the same bytes on.
    /// </summary>
    private static async Task<Stream> LearnSizeAsync(Stream manifest, CancellationToken ct)
    {
        var buffer = new byte[ManifestLimit + 1];
        int n;
        await using (manifest) n = await manifest.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        if (n <= ManifestLimit)
        {
            try
            {
                var m = BackupManifest.Parse(System.Text.Encoding.UTF8.GetString(buffer, 0, n));
                Progress.Expect(m.DataKey, m.StoredBytes);
            }
            catch (FormatException)
            {
                // The catalog decides what an unreadable manifest means; the bar just goes without a size.
            }
        }
        return new MemoryStream(buffer, 0, n, writable: false);
    }

    private const int ManifestLimit = 64 * 1024;

    private sealed class CountingWriteStream(Stream inner, Action<int> wrote) : Backup.Format.OneWayStream
    {
        public override bool CanRead => false;
        public override bool CanWrite => true;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            await inner.WriteAsync(buffer, ct);
            wrote(buffer.Length);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            wrote(buffer.Length);
        }

        public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);
    }

    private sealed class CountingStream(Stream inner, Progress.Transfer transfer) : Stream
    {
        private bool _done;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            Counted(await inner.ReadAsync(buffer, ct));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) Finish();
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            Finish();
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }

        private int Counted(int read)
        {
            if (read > 0) transfer.Moved(read);
            else Finish();
            return read;
        }

        private void Finish()
        {
            if (_done) return;
            _done = true;
            transfer.Done();
        }
    }
}
