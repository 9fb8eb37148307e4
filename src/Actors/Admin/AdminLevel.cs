namespace ActorProxy.Actors.Admin;

/// <summary>What an admin command may do, as HAProxy's CLI levels (<c>stats socket … level</c>;
/// HAProxy's ACCESS_LVL_USER, _OPER, _ADMIN). Each level may run the commands of the levels below it.</summary>
public enum AdminLevel
{
    /// <summary>Reads what is not sensitive: show info, show servers state, show pools, show lua…</summary>
    User = 1,

    /// <summary>Also reads what is: show fd (HAProxy's show fd and show sess are operator commands).</summary>
    Operator = 2,

    /// <summary>Also changes the node: set server, disable/enable/shutdown frontend, shutdown session, flush pools.</summary>
    Admin = 3,
}
