namespace ActorBlog.Tests.Infrastructure;

/// <summary>
/// s3rver 3.7.1 answers a PUT (of an object or a part) once its MD5 transform has seen the last byte,
/// not once the file stream has written it: the 'finish' it waits for is the transform's. On a loaded
/// machine a GET right after the answer can then find the file a few kilobytes short (its
/// Content-Length from a stat taken mid-write) while the ETag is already the whole object's, and the
/// SDK's own MD5 check on the read-back fails: a test failing for a store's race, not for our code (S3
/// itself reads its writes). Installed copies are patched to answer after the file stream's 'finish',
/// the same edit in all three places, and a copy whose text differs from what is expected stops the tests.
/// </summary>
internal static class S3rverPatch
{
    private static string StorePath(string installDir) =>
        Path.Combine(installDir, "node_modules", "s3rver", "lib", "stores", "filesystem.js");

    private static readonly (string Original, string Patched)[] Edits =
    [
        // putObject, a body held in memory: resolve once the stream has written it.
        ("""
                 writeStream.end(object.content);
                 md5Context.update(object.content);
                 resolve([object.content.length, md5Context.digest('hex')]);
         """,
         """
                 md5Context.update(object.content);
                 writeStream.on('error', reject);
                 writeStream.end(object.content, () => resolve([object.content.length, md5Context.digest('hex')]));
         """),
        // putObject, a streamed body (a PUT, or parts joined by CompleteMultipartUpload).
        ("""
                   .on('error', reject)
                   .on('finish', () => resolve([totalLength, md5Context.digest('hex')]))
                   .pipe(writeStream);
         """,
         """
                   .on('error', reject)
                   .pipe(writeStream)
                   .on('error', reject)
                   .on('finish', () => resolve([totalLength, md5Context.digest('hex')]));
         """),
        // putPart: the part file must be whole before CompleteMultipartUpload reads it.
        ("""
                 .on('error', reject)
                 .on('finish', () => {
                   resolve([totalLength, md5Context.digest('hex')]);
                 })
                 .pipe(writeStream);
         """,
         """
                 .on('error', reject)
                 .pipe(writeStream)
                 .on('error', reject)
                 .on('finish', () => {
                   resolve([totalLength, md5Context.digest('hex')]);
                 });
         """),
    ];

    public static bool IsApplied(string installDir)
    {
        var path = StorePath(installDir);
        if (!File.Exists(path)) return false;
        var text = File.ReadAllText(path);
        return Edits.All(edit => text.Contains(edit.Patched, StringComparison.Ordinal));
    }

    /// <summary>Applies every edit not yet applied; call it holding the install lock.</summary>
    public static void Apply(string installDir)
    {
        var path = StorePath(installDir);
        var text = File.ReadAllText(path);
        foreach (var (original, patched) in Edits)
        {
            if (text.Contains(patched, StringComparison.Ordinal)) continue;
            var at = text.IndexOf(original, StringComparison.Ordinal);
            if (at < 0 || text.IndexOf(original, at + 1, StringComparison.Ordinal) >= 0)
                throw new InvalidOperationException($"{path} is not the s3rver {S3rverFixture.Version} this patch expects (a PUT answered before its bytes are written); see {nameof(S3rverPatch)}.");
            text = text[..at] + patched + text[(at + original.Length)..];
        }
        File.WriteAllText(path, text);
    }
}
