using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ActorBlog.Backup.Format;

/// <summary>
/// Read side of <see cref="ChunkedAesGcm"/>. A chunk is last exactly when the stored object
/// ends right after it, and its nonce must say so; that is how truncation, appended chunks and
/// reordering are caught. Only authenticated plaintext is ever returned.
/// </summary>
public sealed class ChunkedAesGcmReadStream : OneWayStream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly AesGcm _aes;
    private readonly byte[] _header = new byte[ChunkedAesGcm.HeaderSize];
    private readonly byte[] _cipher = new byte[ChunkedAesGcm.ChunkSize + ChunkedAesGcm.TagSize];
    private readonly byte[] _plain = new byte[ChunkedAesGcm.ChunkSize];
    private readonly byte[] _nextLength = new byte[ChunkedAesGcm.LengthSize];
    private int _plainOffset;
    private int _plainLength;
    private uint _counter;
    private bool _started;
    private bool _done;

    internal ChunkedAesGcmReadStream(Stream inner, ReadOnlySpan<byte> key, bool leaveOpen)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        _aes = ChunkedAesGcm.CreateCipher(key);
    }

    public override bool CanRead => true;
    public override bool CanWrite => false;

    public override int Read(Span<byte> buffer)
    {
        while (_plainOffset == _plainLength && !_done)
            LoadChunk();
        return TakePlain(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        while (_plainOffset == _plainLength && !_done)
            await LoadChunkAsync(ct).ConfigureAwait(false);
        return TakePlain(buffer.Span);
    }

    private int TakePlain(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _plainLength - _plainOffset);
        _plain.AsSpan(_plainOffset, n).CopyTo(buffer);
        _plainOffset += n;
        return n;
    }

    // The sync and async loaders differ only in how they read; checking and decrypting is shared.
    private void LoadChunk()
    {
        if (!_started)
        {
            Expect(_inner.ReadAtLeast(_header, _header.Length, throwOnEndOfStream: false), _header.Length, "header");
            Expect(_inner.ReadAtLeast(_nextLength, _nextLength.Length, throwOnEndOfStream: false), _nextLength.Length, "first chunk");
            CheckHeader();
        }
        var length = ChunkLength();
        Expect(_inner.ReadAtLeast(_cipher.AsSpan(0, length + ChunkedAesGcm.TagSize), length + ChunkedAesGcm.TagSize, throwOnEndOfStream: false),
            length + ChunkedAesGcm.TagSize, $"chunk {_counter}");
        var peeked = _inner.ReadAtLeast(_nextLength, _nextLength.Length, throwOnEndOfStream: false);
        Open(length, peeked);
    }

    private async ValueTask LoadChunkAsync(CancellationToken ct)
    {
        if (!_started)
        {
            Expect(await _inner.ReadAtLeastAsync(_header, _header.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false), _header.Length, "header");
            Expect(await _inner.ReadAtLeastAsync(_nextLength, _nextLength.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false), _nextLength.Length, "first chunk");
            CheckHeader();
        }
        var length = ChunkLength();
        Expect(await _inner.ReadAtLeastAsync(_cipher.AsMemory(0, length + ChunkedAesGcm.TagSize), length + ChunkedAesGcm.TagSize, throwOnEndOfStream: false, ct).ConfigureAwait(false),
            length + ChunkedAesGcm.TagSize, $"chunk {_counter}");
        var peeked = await _inner.ReadAtLeastAsync(_nextLength, _nextLength.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        Open(length, peeked);
    }

    private void CheckHeader()
    {
        if (!ChunkedAesGcm.HasMagic(_header))
            throw new BackupCorruptException("Encrypted backup does not start with the ABE1 header.");
        _started = true;
    }

    private int ChunkLength()
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(_nextLength);
        if (length < 0 || length > ChunkedAesGcm.ChunkSize)
            throw new BackupCorruptException($"Encrypted backup chunk {_counter} claims an impossible length {length}.");
        return length;
    }

    private void Open(int length, int peekedBytes)
    {
        if (peekedBytes is > 0 and < ChunkedAesGcm.LengthSize)
            throw new BackupCorruptException($"Encrypted backup is truncated after chunk {_counter}.");
        var last = peekedBytes == 0;

        Span<byte> nonce = stackalloc byte[12];
        ChunkedAesGcm.BuildNonce(_header, _counter, last, nonce);
        try
        {
            _aes.Decrypt(nonce, _cipher.AsSpan(0, length), _cipher.AsSpan(length, ChunkedAesGcm.TagSize),
                _plain.AsSpan(0, length), _header);
        }
        catch (AuthenticationTagMismatchException e)
        {
            // Chunk 0 failing cannot tell a wrong key from damage; once it opened, the key is right.
            if (_counter == 0)
                throw new BackupKeyException("Cannot decrypt the backup: wrong key (or its first chunk is damaged).", e);
            throw new BackupCorruptException(last
                ? $"Encrypted backup is truncated or damaged: chunk {_counter} ends the object but is not its last chunk."
                : $"Encrypted backup chunk {_counter} failed authentication (damaged or reordered).", e);
        }

        _plainOffset = 0;
        _plainLength = length;
        _done = last;
        _counter = _counter == uint.MaxValue
            ? throw new BackupCorruptException("Encrypted backup has more chunks than the format allows.")
            : _counter + 1;
    }

    private void Expect(int read, int wanted, string what)
    {
        if (read < wanted)
            throw new BackupCorruptException($"Encrypted backup is truncated in its {what}.");
    }

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
