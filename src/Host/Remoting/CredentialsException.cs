namespace ActorProxy.Host.Remoting;

/// <summary>The remoting credentials could not be used; the message names the file and why.</summary>
internal sealed class CredentialsException(string message, Exception? inner = null) : Exception(message, inner);
