using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ActorBlog.Backup.Format;

/// <summary>
/// Write side of <see cref="ChunkedAesGcm"/>, synchronous: the encoder runs on a thread of its own.
/// Holds at most one chunk of plaintext. Disposing without <see cref="Finish"/> leaves the output
/// without its final chunk on purpose: an aborted encode must never produce an object that
/// decrypts as complete.
/// </summary>
public sealed class ChunkedAesGcmWriteStream : OneWayStream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly AesGcm _aes;
    private readonly byte[] _header = ChunkedAesGcm.NewHeader();
    private readonly byte[] _plain = new byte[ChunkedAesGcm.ChunkSize];
    private readonly byte[] _sealed = new byte[ChunkedAesGcm.LengthSize + ChunkedAesGcm.ChunkSize + ChunkedAesGcm.TagSize];
    private int _plainLength;
    private uint _counter;
    private bool _headerWritten;
    private bool _finished;

    internal ChunkedAesGcmWriteStream(Stream inner, ReadOnlySpan<byte> key, bool leaveOpen)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        _aes = ChunkedAesGcm.CreateCipher(key);
    }

    public override bool CanRead => false;
    public override bool CanWrite => !_finished;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        EnsureWritable();
        while (!buffer.IsEmpty)
        {
            // A full chunk is sealed only once more data arrives: until then it may be the last.
            if (_plainLength == _plain.Length)
            {
                WriteHeaderOnce();
                _inner.Write(_sealed, 0, SealChunk(last: false));
            }
            buffer = buffer[Buffer(buffer)..];
        }
    }

    /// <summary>Seals the buffered plaintext (possibly none) as the final chunk.</summary>
    public void Finish()
    {
        EnsureWritable();
        WriteHeaderOnce();
        _inner.Write(_sealed, 0, SealChunk(last: true));
        _inner.Flush();
        _finished = true;
    }

    private int Buffer(ReadOnlySpan<byte> data)
    {
        var n = Math.Min(data.Length, _plain.Length - _plainLength);
        data[..n].CopyTo(_plain.AsSpan(_plainLength));
        _plainLength += n;
        return n;
    }

    private int SealChunk(bool last)
    {
        Span<byte> nonce = stackalloc byte[12];
        ChunkedAesGcm.BuildNonce(_header, _counter, last, nonce);
        var cipher = _sealed.AsSpan(ChunkedAesGcm.LengthSize, _plainLength);
        var tag = _sealed.AsSpan(ChunkedAesGcm.LengthSize + _plainLength, ChunkedAesGcm.TagSize);
        _aes.Encrypt(nonce, _plain.AsSpan(0, _plainLength), cipher, tag, _header);
        BinaryPrimitives.WriteInt32BigEndian(_sealed, _plainLength);

        var total = ChunkedAesGcm.LengthSize + _plainLength + ChunkedAesGcm.TagSize;
        _plainLength = 0;
        _counter = checked(_counter + 1);
        return total;
    }

    private void WriteHeaderOnce()
    {
        if (_headerWritten) return;
        _inner.Write(_header);
        _headerWritten = true;
    }

    private void EnsureWritable() => ObjectDisposedException.ThrowIf(_finished, this);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _aes.Dispose();
            if (!_leaveOpen) _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
