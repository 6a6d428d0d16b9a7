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
    /// <summary>A staged file up to this size goes up as one PutObject.</summary>
    public const long MultipartThreshold = 16 * 1024 * 1024;
    public const int PartSize = 8 * 1024 * 1024;
    /// <summary>
    /// A streamed object up to this size goes up as one PutObject (held in memory until it ends:
    /// four parts); a larger one as a multipart upload. A 100 MB blog encodes to about 22 MB.
    /// </summary>
    public const int SinglePutLimit = 4 * PartSize;
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
        try
        {
            // The store's ETag, where it is a checksum it computed itself over every byte, confirms the upload (UploadChecksum).
            return length <= MultipartThreshold
                ? await PutSingleAsync(key, sourcePath, sha256Hex, ct).ConfigureAwait(false)
                : await PutMultipartAsync(key, sourcePath, sha256Hex, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStoreFailure(e, ct))
        {
            throw Failed("PUT", e);
        }
    }

    public async Task<bool> PutStreamAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken ct)
    {
        var upload = new S3ObjectWriteStream(_client, _options.Bucket, key, PartSize, SinglePutLimit, ct);
        await using (upload.ConfigureAwait(false))
        {
            try
            {
                await write(upload, ct).ConfigureAwait(false);
                return await upload.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (IsStoreFailure(e, ct))
            {
                await upload.AbortAsync().ConfigureAwait(false);
                throw Failed("PUT", e);
            }
            catch
            {
                // The writer failed (or was cancelled): the object was never completed, so nothing is under the key.
                await upload.AbortAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    private async Task<bool> PutSingleAsync(string key, string sourcePath, string sha256Hex, CancellationToken ct)
    {
        byte[] md5;
        await using (var read = File.OpenRead(sourcePath))
            md5 = await MD5.HashDataAsync(read, ct).ConfigureAwait(false);
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
            return UploadChecksum.ConfirmsSingle(response.ETag, md5);
        }
    }

    private async Task<bool> PutMultipartAsync(string key, string sourcePath, string sha256Hex, CancellationToken ct)
    {
        var initiate = new InitiateMultipartUploadRequest { BucketName = _options.Bucket, Key = key };
        initiate.Metadata.Add(Sha256Metadata, sha256Hex);
        var uploadId = (await _client.InitiateMultipartUploadAsync(initiate, ct).ConfigureAwait(false)).UploadId;
        try
        {
            var etags = new List<PartETag>();
            using var checksum = new UploadChecksum();
            var buffer = new byte[PartSize];
            var file = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (file.ConfigureAwait(false))
            {
                for (var partNumber = 1; ; partNumber++)
                {
                    var n = await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                    if (n == 0)
                        break;
                    checksum.AddPart(buffer.AsSpan(0, n));
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
            return checksum.Confirms(complete.ETag);
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
            return new S3ObjectReadStream(response, $"s3://{_options.Bucket}/{key}");
        }
        // A missing bucket is a misconfigured target, not a missing backup (which would count as damage).
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            throw new BackupNotFoundException(key, e);
        }
        catch (Exception e) when (IsStoreFailure(e, ct))
        {
            throw Failed("GET", e);
        }
    }

    public async Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken ct)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = prefix, MaxKeys = ListPageSize };
        do
        {
            ListObjectsV2Response response;
            try
            {
                response = await _client.ListObjectsV2Async(request, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (IsStoreFailure(e, ct))
            {
                throw Failed("LIST", e);
            }
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
        catch (Exception e) when (IsStoreFailure(e, ct))
        {
            throw Failed("DELETE", e);
        }
    }

    // What the SDK and the network throw when the store is unreachable, answers an error, or
    // exceeds the request timeout (a cancellation nobody asked for); not a cancellation of ours.
    private static bool IsStoreFailure(Exception e, CancellationToken ct) =>
        e is AmazonServiceException or AmazonClientException or HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested);

    /// <summary>
    /// A failing store as one line for the operator: which call, on which target, and the store's
    /// answer; never an SDK type name. Not the key: an outage must read the same on every retry,
    /// so that it is logged once (FailureLog), not once per backup id.
    /// </summary>
    private IOException Failed(string call, Exception e)
    {
        var answer = e switch
        {
            AmazonServiceException { StatusCode: var status, ErrorCode: { Length: > 0 } code } s => $"{(int)status} {code}: {s.Message}",
            AmazonServiceException s => $"{(int)s.StatusCode}: {s.Message}",
            OperationCanceledException => $"no answer within {_options.Timeout.TotalSeconds:0.#}s",
            // The SDK's own wrapper often says only "an error occurred"; the network's message says what.
            _ => e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{e.Message} ({inner.Message})" : e.Message,
        };
        return new IOException($"{call} on {Describe()} failed: {answer.ReplaceLineEndings(" ").Trim()}", e);
    }

    public void Dispose() => _client.Dispose();
}
