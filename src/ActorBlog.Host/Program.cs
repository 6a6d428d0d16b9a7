using ActorBlog.Host.Cli;

return await CommandLine.RunAsync(args);
