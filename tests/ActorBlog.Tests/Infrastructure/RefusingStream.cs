using ActorBlog.Backup.Format;

namespace ActorBlog.Tests.Infrastructure;

/// <summary>A destination whose every write fails with "the store hung up", as an upload to a store that went away.</summary>
public sealed class RefusingStream : OneWayStream
{
    public override bool CanRead => false;
    public override bool CanWrite => true;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) =>
        ValueTask.FromException(new IOException("the store hung up"));
}
