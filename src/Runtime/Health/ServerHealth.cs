using System.Globalization;
using ActorProxy.Runtime.Config;

namespace ActorProxy.Runtime.Health;

/// <summary>
/// A server's health as HAProxy keeps it (server.c, check.c): whether it runs
/// (<see cref="ServerRunState"/>), and, for a server of a backend with <c>health-check</c>, its
/// checks' health counter (<c>check->health</c>, 0 to rise + fall - 1, up from rise). A passed
/// check adds one, and reaching rise jumps to the top; a failed one takes one away, and falling
/// below rise drops to 0, which stops the server. Maintenance stops a running server and pauses
/// its checks; leaving it starts them again from rise. Thread-safe (HAProxy's SERVER_LOCK).
/// </summary>
public sealed class ServerHealth
{
    private readonly Lock _lock = new();
    private ServerRunState _state = ServerRunState.Running;
    private int _health;
    private bool _enabled, _paused, _maintenance, _inProgress;
    private CheckOutcome? _last;
    private long _failedChecks, _downTransitions;

    /// <summary>A server checked as <paramref name="checks"/> says, or not checked when null;
    /// it starts up, one failed check away from down, as HAProxy's ("start OK but check immediately").</summary>
    public ServerHealth(HealthCheckSettings? checks)
    {
        Checked = checks is not null;
        Rise = checks?.Rise ?? HealthCheckSettings.DefaultRise;
        Fall = checks?.Fall ?? HealthCheckSettings.DefaultFall;
        _enabled = Checked;
        _health = Checked ? Rise : 0;
    }

    /// <summary>True when the server has checks (HAProxy's CHK_ST_CONFIGURED).</summary>
    public bool Checked { get; }

    /// <summary>Passed checks that bring a down server up.</summary>
    public int Rise { get; }

    /// <summary>Failed checks that take an up server down.</summary>
    public int Fall { get; }

    private int Top => Rise + Fall - 1;

    /// <summary>Whether the server runs now.</summary>
    public ServerRunState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>True when a check is to be sent now: checked, enabled, not paused by maintenance.</summary>
    public bool Probing
    {
        get
        {
            lock (_lock)
            {
                return _enabled && !_paused;
            }
        }
    }

    /// <summary>A check is sent (CHK_ST_INPROGRESS until it is applied).</summary>
    public void Begin()
    {
        lock (_lock)
        {
            _inProgress = true;
        }
    }

    /// <summary>Applies a finished check (set_server_check_status, then check_notify_failure or
    /// check_notify_success); true when the server's state changed.</summary>
    public bool Apply(CheckOutcome outcome)
    {
        lock (_lock)
        {
            _last = outcome;
            _inProgress = false;
            if (!outcome.Passed)
            {
                if (_health > 0)
                {
                    _failedChecks++;
                    _health--;
                    if (_health < Rise)
                    {
                        _health = 0;
                    }
                }
                return _health == 0 && SetState(ServerRunState.Stopped);
            }
            if (_health < Top)
            {
                _health++;
                if (_health >= Rise)
                {
                    _health = Top;
                }
            }
            return !(_enabled && _health < Rise) && SetState(ServerRunState.Running);
        }
    }

    /// <summary>Forces the server's state as Lua's <c>check_force_up</c>, <c>_nolb</c>,
    /// <c>_down</c> and <c>set server … health</c> do, its health counter with it; true when
    /// its state changed (never in maintenance).</summary>
    public bool Force(ServerForcedHealth health)
    {
        lock (_lock)
        {
            _health = health == ServerForcedHealth.Stopped ? 0 : Top;
            return SetState(health switch
            {
                ServerForcedHealth.Running => ServerRunState.Running,
                ServerForcedHealth.Stopping => ServerRunState.Stopping,
                _ => ServerRunState.Stopped,
            });
        }
    }

    /// <summary>Enables or disables the checks of a checked server (<c>check_enable</c>,
    /// <c>check_disable</c>, <c>enable|disable health</c>); nothing for a server without checks.
    /// A check under way still counts when it ends, as HAProxy's.</summary>
    public void SetChecks(bool enabled)
    {
        lock (_lock)
        {
            if (Checked)
            {
                _enabled = enabled;
            }
        }
    }

    /// <summary>The server enters maintenance (srv_update_status): its checks pause, and a
    /// running server stops; true when its state changed.</summary>
    public bool EnterMaintenance()
    {
        lock (_lock)
        {
            if (_maintenance)
            {
                return false;
            }
            if (_enabled)
            {
                _paused = true;
                _health = 0;
            }
            bool changed = false;
            if (_state != ServerRunState.Stopped)
            {
                _health = 0;
                changed = Stop();
            }
            _maintenance = true;
            return changed;
        }
    }

    /// <summary>The server leaves maintenance: its checks start again from rise, and it runs
    /// unless its checks keep it down; true when its state changed.</summary>
    public bool LeaveMaintenance()
    {
        lock (_lock)
        {
            if (!_maintenance)
            {
                return false;
            }
            _maintenance = false;
            if (_enabled)
            {
                _paused = false;
                _health = Rise;
            }
            if (!_enabled || _health >= Rise)
            {
                bool changed = _state != ServerRunState.Running;
                _state = ServerRunState.Running;
                return changed;
            }
            return false;
        }
    }

    /// <summary>The health as it is now.</summary>
    public ServerHealthView View()
    {
        lock (_lock)
        {
            return new ServerHealthView(_state, Checked, _enabled, _paused, _health, Rise, Fall, _last, _failedChecks, _downTransitions, _inProgress);
        }
    }

    // srv_set_running, srv_set_stopping, srv_set_stopped: nothing in maintenance or when already there.
    private bool SetState(ServerRunState state)
    {
        if (_maintenance || _state == state)
        {
            return false;
        }
        return state == ServerRunState.Stopped ? Stop() : Set(state);
    }

    private bool Stop()
    {
        _downTransitions++;
        return Set(ServerRunState.Stopped);
    }

    private bool Set(ServerRunState state)
    {
        _state = state;
        return true;
    }
}

/// <summary>A server's health at one moment (<see cref="ServerHealth.View"/>).</summary>
/// <param name="State">Whether it runs.</param>
/// <param name="Checked">True when it has checks.</param>
/// <param name="ChecksEnabled">True when its checks are enabled (CHK_ST_ENABLED).</param>
/// <param name="ChecksPaused">True when maintenance paused them (CHK_ST_PAUSED).</param>
/// <param name="Health">Its health counter.</param>
/// <param name="Rise">Its rise.</param>
/// <param name="Fall">Its fall.</param>
/// <param name="LastCheck">The last check that ended, null before the first.</param>
/// <param name="FailedChecks">Checks failed while it had health left (<c>chkfail</c>).</param>
/// <param name="DownTransitions">Times it went down (<c>chkdown</c>).</param>
/// <param name="InProgress">True while a check is under way.</param>
public sealed record ServerHealthView(ServerRunState State, bool Checked, bool ChecksEnabled, bool ChecksPaused, int Health, int Rise, int Fall,
    CheckOutcome? LastCheck, long FailedChecks, long DownTransitions, bool InProgress)
{
    /// <summary>The health of a server never checked: running.</summary>
    public static ServerHealthView Unchecked { get; } = new ServerHealth(null).View();

    /// <summary>True when the checks' fields of <c>show stat</c> have values (enabled, not paused).</summary>
    public bool Reported => ChecksEnabled && !ChecksPaused;

    /// <summary>HAProxy's <c>show stat</c> status of a server not in maintenance
    /// (stats_fill_sv_stats_computestate): <c>UP</c>, <c>UP 1/3</c>, <c>DRAIN</c>, <c>no check</c>,
    /// <c>NOLB</c>, <c>DOWN</c>, <c>DOWN 1/2</c>…</summary>
    public string Status(bool draining)
    {
        int top = Rise + Fall - 1;
        switch (State)
        {
            case ServerRunState.Running:
                bool goingDown = ChecksEnabled && Health < top;
                if (draining)
                {
                    return goingDown ? Counted("DRAIN", Health - Rise + 1, Fall) : "DRAIN";
                }
                return goingDown ? Counted("UP", Health - Rise + 1, Fall) : ChecksEnabled ? "UP" : "no check";
            case ServerRunState.Stopping:
                return !ChecksEnabled || Health == top ? "NOLB" : Counted("NOLB", Health - Rise + 1, Fall);
            default:
                return ChecksEnabled && Health != 0 ? Counted("DOWN", Health, Rise) : "DOWN";
        }
    }

    private static string Counted(string state, int count, int of) =>
        string.Create(CultureInfo.InvariantCulture, $"{state} {count}/{of}");
}
