using System.CommandLine;

namespace ActorProxy.Host.CommandLine;

/// <summary>
/// The <c>actorproxy</c> command line: <c>[run] [-f FILE]</c> and <c>check -f FILE</c>.
/// </summary>
public static class ActorProxyCommandLine
{
    /// <summary>Builds the command tree.</summary>
    public static RootCommand Create()
    {
        var runFile = FileOption("The configuration to run (default: hocon/actorproxy.conf).");
        var checkFile = FileOption("The configuration to check.");
        checkFile.Required = true;

        var run = new Command("run", "Run the proxy (the default command).") { runFile };
        run.SetAction((result, cancel) => RunCommand.ExecuteAsync(result.GetValue(runFile), cancel));

        var check = new Command("check", "Load the configuration and every Lua file as a start would, then exit (like haproxy -c).") { checkFile };
        check.SetAction((result, cancel) => CheckCommand.ExecuteAsync(result.GetValue(checkFile)!, cancel));

        var root = new RootCommand("ActorProxy: a reverse proxy scripted in Lua the way HAProxy is, built on Akka.NET.")
        {
            run,
            check,
            runFile,
        };
        root.SetAction((result, cancel) => RunCommand.ExecuteAsync(result.GetValue(runFile), cancel));
        return root;
    }

    private static Option<FileInfo> FileOption(string description) => new("--file", "-f")
    {
        Description = description,
    };
}
