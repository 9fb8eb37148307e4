using Grpc.Core;

namespace ActorProxy.Host.Tests.Http2;

/// <summary>The gRPC server of the tests: <c>Say</c> answers the words back with a trailer,
/// <c>Count</c> streams the numbers from 1 to the one asked, then a trailer.</summary>
internal sealed class EchoService : Echo.EchoBase
{
    public override Task<Words> Say(Words request, ServerCallContext context)
    {
        context.ResponseTrailers.Add("x-said", request.Text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Task.FromResult(new Words { Text = $"echo: {request.Text}" });
    }

    public override async Task Count(Words request, IServerStreamWriter<Words> responseStream, ServerCallContext context)
    {
        int to = int.Parse(request.Text, System.Globalization.CultureInfo.InvariantCulture);
        for (int i = 1; i <= to; i++)
        {
            await responseStream.WriteAsync(new Words { Text = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
        context.ResponseTrailers.Add("x-counted", request.Text);
    }
}
