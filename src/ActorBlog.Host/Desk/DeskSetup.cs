using ActorBlog.Configuration;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;

namespace ActorBlog.Host.Desk;

/// <summary>
/// The desk's session and forgery protection. The session cookie lives under /desk only, so a
/// browser never even sends it to /api, and /api never looks at it: the API takes the bearer
/// token alone (BearerTokenFilter), which a cross-site page cannot add.
/// </summary>
public static class DeskSetup
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";
    public const string AntiforgeryField = "__RequestVerificationToken";

    public static IServiceCollection AddDesk(this IServiceCollection services, BlogSettings blog, DeskSettings desk)
    {
        // Keys beside blog.db: a restart keeps the author signed in; another machine's keys never apply.
        services.AddDataProtection()
            .SetApplicationName("ActorBlog")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(blog.DataDir, "desk-keys")));
        services.AddAuthentication(Scheme).AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = "actorblog-desk";
            cookie.Cookie.Path = "/desk";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            // Secure whenever the request is https; behind a proxy that is what forwarded headers tell.
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = desk.Session;
            cookie.SlidingExpiration = true;
            cookie.LoginPath = "/desk/sign-in";
            cookie.LogoutPath = "/desk/sign-out";
            cookie.AccessDeniedPath = "/desk/sign-in";
            cookie.ReturnUrlParameter = "return";
        });
        services.AddAuthorization();
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "actorblog-desk-form";
            antiforgery.Cookie.Path = "/desk";
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            antiforgery.FormFieldName = AntiforgeryField;
            antiforgery.HeaderName = AntiforgeryHeader;
        });
        return services;
    }

    public static IEndpointRouteBuilder MapDesk(this IEndpointRouteBuilder app)
    {
        app.MapDeskSignIn();
        var desk = app.MapGroup("/desk").RequireAuthorization().AddEndpointFilter<DeskAntiforgery>();
        desk.MapDeskPosts();
        desk.MapDeskMedia();
        desk.MapDeskBackups();
        return app;
    }
}
