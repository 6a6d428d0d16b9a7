using System.Buffers.Binary;
using ActorBlog.Backup.Replication;

namespace ActorBlog.Tests.Backup.Replication;

/// <summary>The change object's plaintext, byte for byte as docs/backup-format.md lays it out, and back.</summary>
public sealed class ChangeFormatTests
{
    private const string LineageId = "0123456789abcdef";

    private static WalPage Page(uint number, byte fill) => new(number, Enumerable.Repeat(fill, 512).ToArray());

    private static readonly CapturedTransaction[] Batch =
    [
        new(LineageId, 7, 9, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), 512, 40, [Page(3, 0xAA), Page(40, 0xBB)]),
        new(LineageId, 9, 10, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_124), 512, 41, [Page(41, 0xCC)]),
    ];

    [Fact]
    public void Writes_the_documented_layout_exactly()
    {
        var bytes = ChangeFormat.Write(Batch);

        // "ABC1" | lineage | page size | transactions, then per transaction 32 bytes of header and 4 + 512 per page.
        Assert.Equal(4 + 16 + 4 + 4 + (32 + 2 * 516) + (32 + 516), bytes.Length);
        Assert.Equal("ABC1"u8.ToArray(), bytes[..4]);
        Assert.Equal(LineageId, System.Text.Encoding.ASCII.GetString(bytes, 4, 16));
        Assert.Equal(512, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(24)));
        var tx = bytes.AsSpan(28);
        Assert.Equal(7, BinaryPrimitives.ReadInt64BigEndian(tx));
        Assert.Equal(9, BinaryPrimitives.ReadInt64BigEndian(tx[8..]));
        Assert.Equal(1_700_000_000_123, BinaryPrimitives.ReadInt64BigEndian(tx[16..]));
        Assert.Equal(40u, BinaryPrimitives.ReadUInt32BigEndian(tx[24..]));
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(tx[28..]));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32BigEndian(tx[32..]));
        Assert.True(tx.Slice(36, 512).ToArray().All(b => b == 0xAA));
        Assert.Equal(40u, BinaryPrimitives.ReadUInt32BigEndian(tx[548..]));
        Assert.Equal(0xCC, bytes[^1]);
    }

    [Fact]
    public void Reads_back_what_it_wrote()
    {
        var read = ChangeFormat.Read(ChangeFormat.Write(Batch));

        Assert.Equal(Batch.Length, read.Count);
        for (var i = 0; i < Batch.Length; i++)
        {
            Assert.Equal(Batch[i] with { Pages = [] }, read[i] with { Pages = [] });
            Assert.Equal(Batch[i].Pages.Select(p => (p.PageNumber, Convert.ToHexString(p.Data))), read[i].Pages.Select(p => (p.PageNumber, Convert.ToHexString(p.Data))));
        }
    }

    [Fact]
    public void Refuses_a_batch_of_two_lineages()
    {
        var mixed = new[] { Batch[0], Batch[1] with { Lineage = "fedcba9876543210" } };

        Assert.Throws<ArgumentException>(() => ChangeFormat.Write(mixed));
    }
}
