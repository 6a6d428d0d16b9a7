using System.Net;
using System.Security.Cryptography;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace ActorBlog.Backup.Targets;

/// <summary>
/// Backups in an S3-compatible bucket. Kept to the calls every S3 clone implements (no
/// DeleteObjects, CopyObject, ACLs or versioning), and with the SDK's newer defaults turned off
/// where clones mishandle them: aws-chunked uploads and flexible checksums.
/// Keys are used as given; the catalog adds the prefix.
/// </summary>
public sealed class S3BackupTarget : IBackupTarget, IDisposable
{
    public const long MultipartThreshold = 16 * 1024 * 1024;
    public const int PartSize = 8 * 1024 * 1024;
    private const string Sha256Metadata = "sha256"; // sent as x-amz-meta-sha256

    private readonly S3TargetOptions _options;
    private readonly AmazonS3Client _client;

    public S3BackupTarget(S3TargetOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Bucket);
        _options = options;
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // s3rver and several S3 clones reject or mis-store the CRC trailers these default to.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = options.Timeout,
            MaxErrorRetry = options.MaxErrorRetry,
        };
        if (!string.IsNullOrEmpty(options.Endpoint))
        {
            config.ServiceURL = options.Endpoint;
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        _client = !string.IsNullOrEmpty(options.AccessKey) && !string.IsNullOrEmpty(options.SecretKey)
            ? new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config)
            : new AmazonS3Client(config);
    }

    /// <summary>Keys per listing page; the store's default (1000) unless a test wants to see paging.</summary>
    internal int? ListPageSize { get; init; }

    public string Describe() =>
        $"s3://{_options.Bucket}/{_options.Prefix.Trim('/')} ({(string.IsNullOrEmpty(_options.Endpoint) ? "aws" : _options.Endpoint)}, {_options.Region})";

    public async Task<bool> PutAsync(string key, string sourcePath, string sha256Hex, CancellationToken ct)
    {
        var length = new FileInfo(sourcePath).Length;
        var (etag, expected) = length <= MultipartThreshold
            ? await PutSingleAsync(key, sourcePath, sha256Hex, ct).ConfigureAwait(false)
            : await PutMultipartAsync(key, sourcePath, sha256Hex, ct).ConfigureAwait(false);
        // S3 and most clones report an unencrypted object's ETag as the MD5 of its bytes (of its
        // parts' MD5s, "-N", for a multipart object): a checksum the store computed itself.
        return string.Equals(etag?.Trim('"'), expected, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<(string? ETag, string ExpectedETag)> PutSingleAsync(string key, string sourcePath, string sha256Hex, CancellationToken ct)
    {
        string md5;
        await using (var read = File.OpenRead(sourcePath))
            md5 = Convert.ToHexStringLower(await MD5.HashDataAsync(read, ct).ConfigureAwait(false));
        var file = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            var request = new PutObjectRequest
            {
                BucketName = _options.Bucket,
                Key = key,
                InputStream = file,
                AutoCloseStream = false,
                // Without this the SDK streams aws-chunked framing, which s3rver stores as the object.
                UseChunkEncoding = false,
            };
            request.Metadata.Add(Sha256Metadata, sha256Hex);
            var response = await _client.PutObjectAsync(request, ct).ConfigureAwait(false);
            return (response.ETag, md5);
        }
    }

    private async Task<(string? ETag, string ExpectedETag)> PutMultipartAsync(string key, string sourcePath, string sha256Hex, CancellationToken ct)
    {
        var initiate = new InitiateMultipartUploadRequest { BucketName = _options.Bucket, Key = key };
        initiate.Metadata.Add(Sha256Metadata, sha256Hex);
        var uploadId = (await _client.InitiateMultipartUploadAsync(initiate, ct).ConfigureAwait(false)).UploadId;
        try
        {
            var etags = new List<PartETag>();
            var partDigests = new List<byte[]>();
            var buffer = new byte[PartSize];
            var file = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (file.ConfigureAwait(false))
            {
                for (var partNumber = 1; ; partNumber++)
                {
                    var n = await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                    if (n == 0)
                        break;
                    partDigests.Add(MD5.HashData(buffer.AsSpan(0, n)));
                    using var part = new MemoryStream(buffer, 0, n, writable: false);
                    var response = await _client.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = _options.Bucket,
                        Key = key,
                        UploadId = uploadId,
                        PartNumber = partNumber,
                        PartSize = n,
                        InputStream = part,
                        UseChunkEncoding = false,
                    }, ct).ConfigureAwait(false);
                    etags.Add(new PartETag(partNumber, response.ETag));
                }
            }

            var complete = await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _options.Bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = etags,
            }, ct).ConfigureAwait(false);
            var expected = Convert.ToHexStringLower(MD5.HashData(partDigests.SelectMany(d => d).ToArray())) + "-" + partDigests.Count;
            return (complete.ETag, expected);
        }
        catch
        {
            await TryAbortAsync(key, uploadId).ConfigureAwait(false);
            throw;
        }
    }

    // Best effort: some clones (s3rver) do not implement abort, and the original error matters more.
    private async Task TryAbortAsync(string key, string uploadId)
    {
        try
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
            {
                BucketName = _options.Bucket,
                Key = key,
                UploadId = uploadId,
            }).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // swallowed on purpose, see above
        }
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken ct)
    {
        try
        {
            var response = await _client.GetObjectAsync(_options.Bucket, key, ct).ConfigureAwait(false);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound || e.ErrorCode == "NoSuchKey")
        {
            throw new BackupNotFoundException(key, e);
        }
    }

    public async Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken ct)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = prefix, MaxKeys = ListPageSize };
        do
        {
            var response = await _client.ListObjectsV2Async(request, ct).ConfigureAwait(false);
            // SDK v4 leaves collections null when a page is empty.
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = response.IsTruncated == true ? response.NextContinuationToken : null;
        } while (request.ContinuationToken is not null);

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        try
        {
            await _client.DeleteObjectAsync(_options.Bucket, key, ct).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // already gone: S3 answers 204 anyway, some clones answer 404
        }
    }

    public void Dispose() => _client.Dispose();
}
