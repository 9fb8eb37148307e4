using ActorProxy.Runtime.Lua;
using Akka.Actor;

namespace ActorProxy.Actors.Lua;

/// <summary>
/// The states an actor that owns Lua keeps, one per generation alive, by number: the one serving
/// new work, and during a reload the next one loading or older ones draining. A worker keeps its
/// state with its rules' actions (<typeparamref name="T"/>), the shared state's singleton the
/// state alone; <paramref name="lua"/> gives the state of either. Used from the actor's handlers only.
/// </summary>
internal sealed class LuaGenerationStates<T>(Func<T, OwnedLuaState> lua) where T : class
{
    private readonly Dictionary<int, T> _states = [];
    private int _servingNumber;

    /// <summary>The state new work goes to, or null before the first switch.</summary>
    public T? Serving { get; private set; }

    /// <summary>The number the serving state is kept under.</summary>
    public int ServingNumber => _servingNumber;

    /// <summary>Older states kept for the work they hold.</summary>
    public int Draining => _states.Values.Count(s => lua(s).Generation.IsRetired);

    /// <summary>The state kept under <paramref name="number"/>, or null.</summary>
    public T? Find(int number) => _states.GetValueOrDefault(number);

    /// <summary>Keeps <paramref name="state"/> under <paramref name="number"/>.</summary>
    public void Add(int number, T state) => _states.Add(number, state);

    /// <summary>New work goes to the state kept under <paramref name="number"/>, whose tasks start;
    /// the one it replaces ends its tasks and, once its generation has drained, is closed through
    /// <see cref="LuaGenerationDrained"/> sent to <paramref name="owner"/>. False when there is no such state.</summary>
    public bool Switch(int number, IActorRef owner)
    {
        if (Find(number) is not { } next)
        {
            return false;
        }
        if (next != Serving)
        {
            var previous = Serving;
            int previousNumber = _servingNumber;
            Serving = next;
            _servingNumber = number;
            lua(next).StartTasks();
            if (previous is not null)
            {
                lua(previous).Retire();
                lua(previous).Generation.Drained.PipeTo(owner, success: () => new LuaGenerationDrained(previousNumber));
            }
        }
        return true;
    }

    /// <summary>Closes the state kept under <paramref name="number"/> (drained, or a reload that
    /// failed); the serving one is never closed.</summary>
    public void Close(int number)
    {
        if (_states.TryGetValue(number, out var state) && state != Serving)
        {
            _states.Remove(number);
            lua(state).Close();
        }
    }

    /// <summary>Runs <paramref name="action"/> on every state: messages of sessions and tasks,
    /// which only the state that holds them acts on.</summary>
    public void ForEach(Action<OwnedLuaState> action)
    {
        foreach (var state in _states.Values)
        {
            action(lua(state));
        }
    }
}
