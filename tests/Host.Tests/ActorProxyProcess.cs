using System.Diagnostics;
using System.Text;

namespace ActorProxy.Host.Tests;

/// <summary>The real <c>actorproxy</c> executable, run as a child process with bounded waits.</summary>
internal sealed class ActorProxyProcess : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>The XDG_CONFIG_HOME of every process of this test run: the nodes make their user's
    /// remoting credentials there (not in the machine's ~/.config) and admin tools find them.</summary>
    public static string ConfigHome { get; } = Directory.CreateTempSubdirectory("actorproxy-user").FullName;

    /// <summary>The credentials folder that nodes and tools of this run share by default.</summary>
    public static string DefaultCredentials => Path.Combine(ConfigHome, "actorproxy", "remote");

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ActorProxyProcess(string[] arguments, int? fileLimit = null)
        : this(fileLimit is { } limit
            // ulimit -n sets the soft and hard limits; exec keeps the pid, so signals reach actorproxy.
            ? ["/bin/sh", "-c", $"ulimit -n {limit} && exec \"$0\" \"$@\"", Executable]
            : [Executable], arguments)
    {
    }

    private ActorProxyProcess(string[] command, string[] arguments)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
            Environment = { ["XDG_CONFIG_HOME"] = ConfigHome },
        };
        foreach (string word in command.Skip(1))
        {
            start.ArgumentList.Add(word);
        }
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, line) => Append(_stdout, line.Data);
        _process.ErrorDataReceived += (_, line) => Append(_stderr, line.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Stdout => Read(_stdout);

    /// <summary>The process's id (with a file limit, the shell exec'd actorproxy: the same id).</summary>
    public int Id => _process.Id;

    /// <summary>True once the process is gone (or was killed and disposed).</summary>
    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    public string Stderr => Read(_stderr);

    public static ActorProxyProcess Start(params string[] arguments) => new(arguments);

    private static string Executable => Path.Combine(AppContext.BaseDirectory, "actorproxy");

    /// <summary>Runs actorproxy to the end as the system user <paramref name="user"/> (through
    /// runuser as root, else sudo), from a copy of the build that user may read, with this
    /// run's XDG_CONFIG_HOME, and returns the exit code.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsUserAsync(string user, params string[] arguments)
    {
        string[] asUser = Environment.UserName == "root" ? ["runuser", "-u", user, "--"] : ["sudo", "-n", "-u", user, "--"];
        using var process = new ActorProxyProcess([.. asUser, Path.Combine(s_sharedBuild.Value, "actorproxy")], arguments);
        int code = await process.WaitForExitAsync();
        return (code, process.Stdout, process.Stderr);
    }

    // The build, copied where every user may read and run it (the checkout may be in a home folder).
    private static readonly Lazy<string> s_sharedBuild = new(() =>
    {
        const UnixFileMode Everyone = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        var copy = Directory.CreateTempSubdirectory("actorproxy-build");
        File.SetUnixFileMode(copy.FullName, Everyone);
        foreach (string folder in Directory.EnumerateDirectories(AppContext.BaseDirectory, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(copy.FullName, Path.GetRelativePath(AppContext.BaseDirectory, folder)), Everyone);
        }
        foreach (string file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(copy.FullName, Path.GetRelativePath(AppContext.BaseDirectory, file));
            File.Copy(file, target);
            File.SetUnixFileMode(target, Everyone);
        }
        return copy.FullName;
    });

    /// <summary>Starts actorproxy with at most <paramref name="fileLimit"/> file descriptors (ulimit -n).</summary>
    public static ActorProxyProcess StartWithFileLimit(int fileLimit, params string[] arguments) => new(arguments, fileLimit);

    /// <summary>Runs to the end and returns the exit code.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments)
    {
        using var process = Start(arguments);
        int code = await process.WaitForExitAsync();
        return (code, process.Stdout, process.Stderr);
    }

    public async Task<int> WaitForExitAsync()
    {
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Dispose();
            throw new TimeoutException($"actorproxy did not exit within {Limit.TotalSeconds:0} s.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Waits until stdout holds <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text)
    {
        if (!await HoldsAsync(() => Stdout, text))
        {
            if (_process.HasExited)
            {
                // Once the process is gone, this waits until its output has reached us.
                _process.WaitForExit();
            }
            // A process that did not start as expected must not outlive the test.
            Dispose();
            throw new TimeoutException($"actorproxy never printed '{text}'.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
    }

    /// <summary>Waits, while the process runs and for at most 30 s, until its output (stdout then
    /// stderr) holds every one of <paramref name="texts"/>; returns that output as it then is.
    /// Lines reach this process a little after the process wrote them.</summary>
    public async Task<string> OutputOnceItHoldsAsync(params string[] texts)
    {
        await HoldsAsync(() => Stdout + Stderr, texts);
        return Stdout + Stderr;
    }

    // True once `output` holds every text; false when the process ended or the limit passed first.
    private async Task<bool> HoldsAsync(Func<string> output, params string[] texts)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!texts.All(text => output().Contains(text, StringComparison.Ordinal)))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(20);
        }
        return true;
    }

    /// <summary>Stops the process as Ctrl+C does, and makes sure it is gone whatever happens.</summary>
    public async Task StopAsync()
    {
        try
        {
            Interrupt();
            await WaitForExitAsync();
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Sends SIGINT, as Ctrl+C does.</summary>
    public void Interrupt()
    {
        using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Disposed already.
        }
        _process.Dispose();
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }

    private static string Read(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }
}
