using System.Text.Json;
using System.Text.Json.Serialization;
using ActorProxy.Runtime.Http;

namespace ActorProxy.Actors.Serialization;

/// <summary>
/// A sample or variable value in a cluster message (declared <c>object</c>): one of HAProxy's
/// sample types as plain data, its type kept. A string is a JSON string, an integer a JSON
/// number, a boolean a JSON boolean; bytes and addresses are one-member objects
/// (<c>{"bin": base64}</c>, <c>{"ip": text}</c>). Nothing else is written or read.
/// </summary>
internal sealed class PlainSampleConverter : JsonConverter<object>
{
    public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                return reader.GetInt64();
            case JsonTokenType.True:
            case JsonTokenType.False:
                return reader.GetBoolean();
            case JsonTokenType.StartObject:
                reader.Read();
                string kind = reader.TokenType == JsonTokenType.PropertyName ? reader.GetString()! : throw new JsonException("A sample object has no member.");
                reader.Read();
                object value = kind switch
                {
                    "bin" => reader.GetBytesFromBase64(),
                    "ip" => new AddressSample(reader.GetString() ?? throw new JsonException("An address sample is null.")),
                    _ => throw new JsonException($"'{kind}' is not a sample type."),
                };
                reader.Read();
                return reader.TokenType == JsonTokenType.EndObject ? value : throw new JsonException("A sample object has more than one member.");
            default:
                throw new JsonException($"A {reader.TokenType} is not a sample.");
        }
    }

    public override void Write(Utf8JsonWriter writer, object value, JsonSerializerOptions options)
    {
        switch (value)
        {
            case string text:
                writer.WriteStringValue(text);
                break;
            case long integer:
                writer.WriteNumberValue(integer);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case byte[] bytes:
                writer.WriteStartObject();
                writer.WriteBase64String("bin", bytes);
                writer.WriteEndObject();
                break;
            case AddressSample address:
                writer.WriteStartObject();
                writer.WriteString("ip", address.Text);
                writer.WriteEndObject();
                break;
            default:
                throw new JsonException($"A {value.GetType().Name} is not a sample: it cannot leave its node.");
        }
    }
}
