using Microsoft.AspNetCore.WebUtilities;

namespace ActorBlog.Host.Web;

/// <summary>
/// A request the client broke off or sent short is the client's doing, not a server error. Kestrel
/// reports both by throwing from the body read (or from anything awaiting <see cref="HttpContext.RequestAborted"/>),
/// which would otherwise reach the request line as a 500 with a stack trace:
/// <list type="bullet">
/// <item>a body shorter than its Content-Length, a body too slow or too large: Kestrel's
/// <see cref="BadHttpRequestException"/> carries the status (400, 408, 413); the client, still
/// listening, gets it with Kestrel's one-line reason;</item>
/// <item>a connection the client reset or closed while its request ran: nobody is left to answer, and
/// the request line says 499 (nginx's "client closed request").</item>
/// </list>
/// Nothing is written to the database on either road: the write had not been asked for yet, or (a
/// write already sent to the PostStore) it commits or not as it would have, and the client never learns which.
/// Use it inside the request logging, so the line shows the status given here and no exception.
/// </summary>
public static class ClientFaults
{
    /// <summary>nginx's status for a request whose client went away before the answer.</summary>
    public const int ClientClosedRequest = 499;

    public static IApplicationBuilder UseClientFaults(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && StatusFor(e, context.RequestAborted.IsCancellationRequested) is { } status)
        {
            if (status == ClientClosedRequest)
                context.Response.StatusCode = status;
            else
                await Problems.Status(status, ReasonPhrases.GetReasonPhrase(status), e.Message).ExecuteAsync(context);
        }
    });

    /// <summary>The status for a client's fault, or null for an exception that is the server's own.</summary>
    public static int? StatusFor(Exception e, bool clientGone) => e switch
    {
        OperationCanceledException or IOException when clientGone => ClientClosedRequest,
        BadHttpRequestException bad => clientGone ? ClientClosedRequest : bad.StatusCode,
        _ => null,
    };
}
