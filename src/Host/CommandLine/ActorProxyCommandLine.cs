using System.CommandLine;
using ActorProxy.Actors.Admin;

namespace ActorProxy.Host.CommandLine;

/// <summary>
/// The <c>actorproxy</c> command line: <c>[run] [-f FILE]</c>, <c>check -f FILE</c> and
/// <c>admin [--node ADDRESS] [--credentials DIR] [--level LEVEL] COMMAND…</c>.
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

        var node = new Option<string>("--node")
        {
            Description = $"The node's akka.remote address (default {AdminCommandLine.DefaultNode}).",
            DefaultValueFactory = _ => AdminCommandLine.DefaultNode,
        };
        var words = new Argument<string[]>("command")
        {
            Description = "The command: show info, show fd, show lua, show tasks, show pools, flush pools, shutdown session FD.",
            Arity = ArgumentArity.OneOrMore,
        };
        var all = new Option<bool>("--all")
        {
            Description = "Send the command to every member of the node's cluster and print each answer under its address.",
        };
        var credentials = new Option<string>("--credentials")
        {
            Description = "The folder of the tool's certificate and admin keys (default: the running user's own, as the node's: ~/.config/actorproxy/remote).",
        };
        var level = new Option<AdminLevel?>("--level")
        {
            Description = "Send the key of this level: user, operator or admin (default: the highest the folder holds).",
        };
        var admin = new Command("admin", "Send one admin command to a running node and print the answer.") { node, credentials, level, all, words };
        admin.SetAction((result, _) => AdminCommandLine.ExecuteAsync(
            result.GetValue(node)!, result.GetValue(words)!, result.GetValue(credentials), result.GetValue(level), result.GetValue(all)));

        var root = new RootCommand("ActorProxy: a reverse proxy scripted in Lua the way HAProxy is, built on Akka.NET.")
        {
            run,
            check,
            admin,
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
