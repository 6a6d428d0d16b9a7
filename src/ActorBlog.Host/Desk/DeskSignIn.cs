using System.Security.Claims;
using ActorBlog.Host.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace ActorBlog.Host.Desk;

/// <summary>
/// Sign in with the author token, sign out. Failed tokens count in the same throttle as the API's,
/// so the desk is no side door for guessing: ten misses from an address and both answer 429.
/// </summary>
public static class DeskSignIn
{
    public static IEndpointRouteBuilder MapDeskSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet("/desk/sign-in", (HttpContext http, string? @return) => http.User.Identity?.IsAuthenticated == true
            ? DeskResponses.SeeOther(LocalDeskPath(@return))
            : Form(StatusCodes.Status200OK, @return, error: null, signedOut: http.Request.Query.ContainsKey("signed-out")));
        app.MapPost("/desk/sign-in", SignInAsync);
        app.MapPost("/desk/sign-out", SignOutAsync).RequireAuthorization();
        return app;
    }

    private static IResult Form(int status, string? returnTo, string? error, bool signedOut = false) => DeskResponses.Page<SignInPage>(status, new()
    {
        [nameof(SignInPage.SignedOut)] = signedOut,
        [nameof(SignInPage.ReturnTo)] = returnTo is null ? null : LocalDeskPath(returnTo),
        [nameof(SignInPage.Error)] = error,
    });

    private static async Task<IResult> SignInAsync(HttpContext http, IAntiforgery antiforgery, AuthorToken token, FailedAuthThrottle throttle)
    {
        var address = ClientAddress.Of(http);
        if (throttle.RetryAfter(address) is { } wait)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return DeskResponses.Message(StatusCodes.Status429TooManyRequests, "Too many attempts",
                $"Too many wrong tokens from this address; try again in {Math.Ceiling(wait.TotalSeconds)} seconds.");
        }
        if (!await DeskAntiforgery.IsValidAsync(antiforgery, http)) return DeskAntiforgery.Refused();

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnTo = form["return"].ToString();
        if (!token.Matches(form["token"].ToString().Trim()))
        {
            throttle.RecordFailure(address);
            return Form(StatusCodes.Status401Unauthorized, returnTo, "That is not the author token. Check it and try again.");
        }
        var author = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "author")], DeskSetup.Scheme));
        await http.SignInAsync(DeskSetup.Scheme, author, new AuthenticationProperties { IsPersistent = false });
        return DeskResponses.SeeOther(LocalDeskPath(returnTo));
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery)
    {
        if (!await DeskAntiforgery.IsValidAsync(antiforgery, http)) return DeskAntiforgery.Refused();
        await http.SignOutAsync(DeskSetup.Scheme);
        return DeskResponses.SeeOther("/desk/sign-in?signed-out=1");
    }

    /// <summary>Only a path under /desk may be returned to: never another site, never //host.</summary>
    internal static string LocalDeskPath(string? path) =>
        path is { Length: > 0 } p && (p == "/desk" || p.StartsWith("/desk/", StringComparison.Ordinal)) && !p.Contains("//") && !p.Contains('\\')
            ? p
            : "/desk";
}
