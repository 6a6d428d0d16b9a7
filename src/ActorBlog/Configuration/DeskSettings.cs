using Akka.Configuration;

namespace ActorBlog.Configuration;

/// <summary>The author's desk in the browser (actorblog.desk).</summary>
public sealed record DeskSettings(TimeSpan Session)
{
    public static DeskSettings Create(Config config) =>
        new(HoconReader.Duration(config, "actorblog.desk.session"));
}
