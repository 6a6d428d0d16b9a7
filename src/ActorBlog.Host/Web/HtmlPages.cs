using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace ActorBlog.Host.Web;

/// <summary>
/// Renders a Razor component to UTF-8 bytes on the server, so the bytes can be hashed for an
/// ETag before they are sent. One renderer per call: a renderer keeps its root components
/// until disposed, so sharing one would grow without bound.
/// </summary>
internal static class HtmlPages
{
    public const string ContentType = "text/html; charset=utf-8";

    /// <summary>
    /// Encodes markup-significant characters only, so titles in any script stay readable text
    /// rather than a wall of numeric entities (the default encoder escapes everything past Latin-1).
    /// </summary>
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static async Task<byte[]> RenderAsync<TComponent>(IServiceProvider requestServices, IDictionary<string, object?> parameters)
        where TComponent : IComponent
    {
        var services = new WithEncoder(requestServices);
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var root = await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters));
            return root.ToHtmlString();
        });
        return Encoding.UTF8.GetBytes(html);
    }

    /// <summary>The request's services, with our encoder in place of whatever the host registered.</summary>
    private sealed class WithEncoder(IServiceProvider inner) : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(HtmlEncoder) ? Encoder : inner.GetService(serviceType);
    }
}
