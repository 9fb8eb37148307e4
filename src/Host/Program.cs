using System.CommandLine;
using ActorProxy.Host.CommandLine;
using ActorProxy.Host.DataPlane;

InlineIo.EnableSocketCompletions();

// Signals are handled by the commands themselves, which stop the node in order.
return await ActorProxyCommandLine.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
