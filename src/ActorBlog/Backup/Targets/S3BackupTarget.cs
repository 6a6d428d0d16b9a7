using System.Net;
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
    /// <summary>The size of each part of a multipart upload (the last may be shorter).</summary>
    public const int PartSize = 8 * 1024 * 1024;
    /// <summary>
    /// An object up to this size goes up as one PutObject (held in memory until it ends:
    /// four parts); a larger one as a multipart upload. A 100 MB blog encodes to about 22 MB.
    /// </summary>
    public const int SinglePutLimit = 4 * PartSize;

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
