using System.Globalization;
using Serilog;
using Serilog.Events;

namespace ActorBlog.Host;

/// <summary>The one logging path: ASP.NET Core, request logs and Akka all go through this Serilog logger.</summary>
public static class Logging
{
    public static Serilog.ILogger CreateLogger() => new LoggerConfiguration()
        .MinimumLevel.Information()
        .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
        .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
        .Enrich.FromLogContext()
        .WriteTo.Console(
            outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}",
            formatProvider: CultureInfo.InvariantCulture)
        .CreateLogger();
}
