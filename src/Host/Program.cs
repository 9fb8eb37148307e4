using System.CommandLine;
using ActorProxy.Host.CommandLine;

// Signals are handled by the commands themselves, which stop the node in order.
return await ActorProxyCommandLine.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
