using ActorProxy.Actors.Admin;

namespace ActorProxy.Actors.Tests.Admin;

public sealed class AdminKeysTests
{
    private readonly AdminKeys _keys = new([
        new(AdminLevel.User, "user-key-0123456789"),
        new(AdminLevel.Operator, "operator-key-0123456789"),
        new(AdminLevel.Admin, "admin-key-0123456789"),
    ]);

    [Theory]
    [InlineData("user-key-0123456789", AdminLevel.User)]
    [InlineData("operator-key-0123456789", AdminLevel.Operator)]
    [InlineData("admin-key-0123456789\n", AdminLevel.Admin)]
    public void AKey_GrantsItsLevel(string key, AdminLevel level) => Assert.Equal(level, _keys.LevelOf(key));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("admin-key-012345678")]
    [InlineData("ADMIN-KEY-0123456789")]
    public void AnyOtherKey_GrantsNothing(string? key) => Assert.Null(_keys.LevelOf(key));

    [Fact]
    public void NoKeys_GrantNothing() => Assert.Null(AdminKeys.None.LevelOf("admin-key-0123456789"));
}
