using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ActorBlog.Host.Tests.Infrastructure;

/// <summary>
/// The backup state as a client outside the process sees it (<c>/api/backups/status</c>), and the
/// waits on it the host tests share. Polling the state is the only way to see a backup end from outside.
/// </summary>
public static class BackupState
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(2);

    public static Task<JsonElement> GetAsync(HttpClient client, CancellationToken ct = default) =>
        client.GetFromJsonAsync<JsonElement>("/api/backups/status", ct);

    /// <summary>
    /// <c>POST /api/backups</c> once the scheduler answers (a program just started may still be
    /// recovering its journal): asserts 202 and returns the id of the backup it promised.
    /// </summary>
    public static async Task<string> RequestAsync(HttpClient client)
    {
        await AnsweringAsync(client);
        var response = await client.PostAsync("/api/backups", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>The id of <c>lastSuccess</c> or <c>lastFailure</c>, or null when there is none.</summary>
    public static string? IdOf(JsonElement state, string outcome) =>
        state.GetProperty(outcome) is { ValueKind: JsonValueKind.Object } o ? o.GetProperty("id").GetString() : null;

    /// <summary>
    /// Polls until the state satisfies <paramref name="condition"/>. A 503 (the scheduler starting or
    /// restarting, not answering yet) counts as "not yet"; any other failure fails at once.
    /// </summary>
    public static async Task<JsonElement> UntilAsync(HttpClient client, Func<JsonElement, bool> condition, string what, TimeSpan? timeout = null) =>
        (await Eventually.Until(() => TryGetAsync(client), s => s is { } state && condition(state), timeout ?? DefaultWait, what))!.Value;

    /// <summary>Until the scheduler answers at all: what a test waits for before its first look at a just-started program.</summary>
    public static Task<JsonElement> AnsweringAsync(HttpClient client) => UntilAsync(client, _ => true, "the backup scheduler to answer");

    private static async Task<JsonElement?> TryGetAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/backups/status");
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable) return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Whether backup <paramref name="id"/> has verified or failed in <paramref name="state"/>.</summary>
    public static bool IsOver(JsonElement state, string id) => IdOf(state, "lastSuccess") == id || IdOf(state, "lastFailure") == id;

    /// <summary>Until backup <paramref name="id"/> has verified or failed.</summary>
    public static Task<JsonElement> OutcomeAsync(HttpClient client, string id, TimeSpan? timeout = null) =>
        UntilAsync(client, s => IsOver(s, id), $"an outcome for backup {id}", timeout);

    /// <summary>Until backup <paramref name="id"/> (or, without one, any backup) is the last verified one.</summary>
    public static Task<JsonElement> VerifiedAsync(HttpClient client, string? id = null, TimeSpan? timeout = null) =>
        UntilAsync(client, s => id is null ? IdOf(s, "lastSuccess") is not null : IdOf(s, "lastSuccess") == id,
            id is null ? "a verified backup" : $"backup {id} to verify", timeout);
}
