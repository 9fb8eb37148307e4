using System.Globalization;
using System.Text;
using ActorProxy.Runtime.Http;
using static ActorProxy.Runtime.Samples.SampleArgKind;

namespace ActorProxy.Runtime.Samples;

/// <summary>
/// The fetches of a TCP connection's request contents (configuration.txt 7.3.5; payload.c):
/// <c>req.len</c>, <c>req.payload</c>, <c>req.payload_lv</c>, <c>req.ssl_hello_type</c>,
/// <c>req.ssl_sni</c>, <c>req.ssl_alpn</c> and the <c>WAIT_END</c> ACL's <c>wait_end</c>, read from
/// <see cref="HttpExchange.RequestBuffer"/>. Each says when more data could change its answer, as
/// HAProxy's do, so that a <c>tcp-request content</c> rule waits for it within its inspect delay.
/// On an HTTP transaction they find nothing, as HAProxy's do on its HTX buffers.
/// </summary>
internal static class PayloadFetches
{
    /// <summary>The definitions, HAProxy's old names (<c>req_len</c>…) beside the new.</summary>
    public static IEnumerable<SampleFetchDefinition> Fetches()
    {
        var length = new SampleFetchDefinition("req.len", SampleType.SInt, SampleArgSpec.None, SampleDirection.Any, (x, _) => Length(x.RequestBuffer)) { ReadsContent = true };
        var helloType = new SampleFetchDefinition("req.ssl_hello_type", SampleType.SInt, SampleArgSpec.None, SampleDirection.Any, (x, _) => TlsHello.Type(x.RequestBuffer)) { ReadsContent = true };
        var serverName = new SampleFetchDefinition("req.ssl_sni", SampleType.Str, SampleArgSpec.None, SampleDirection.Any, (x, _) => TlsHello.ServerName(x.RequestBuffer)) { ReadsContent = true };
        yield return length;
        yield return Renamed("req_len", length);
        yield return helloType;
        yield return Renamed("req_ssl_hello_type", helloType);
        yield return serverName;
        yield return Renamed("req_ssl_sni", serverName);
        yield return new SampleFetchDefinition("req.ssl_alpn", SampleType.Str, SampleArgSpec.None, SampleDirection.Any,
            (x, _) => TlsHello.Protocols(x.RequestBuffer) is [var first, ..] ? first : null, (x, _) => TlsHello.Protocols(x.RequestBuffer)) { ReadsContent = true };
        yield return new SampleFetchDefinition("req.payload", SampleType.Bin, new(2, SInt, SInt), SampleDirection.Any, (x, a) => Payload(x.RequestBuffer, a))
        {
            ReadsContent = true,
            Check = a => a.Number(0) < 0 || a.Number(1) < 0 ? "offset and length must be positive" : null,
        };
        yield return new SampleFetchDefinition("req.payload_lv", SampleType.Bin, new(2, SInt, SInt, Str), SampleDirection.Any, (x, a) => LengthPrefixed(x.RequestBuffer, a))
        {
            ReadsContent = true,
            Check = CheckLengthPrefixed,
        };
        yield return new SampleFetchDefinition("wait_end", SampleType.Bool, SampleArgSpec.None, SampleDirection.Any, (x, _) => WaitEnd(x.RequestBuffer));
    }

    private static SampleFetchDefinition Renamed(string name, SampleFetchDefinition fetch) =>
        new(name, fetch.Output, fetch.Args, fetch.Direction, fetch.Fetch) { ReadsContent = fetch.ReadsContent };

    // smp_fetch_len: the bytes so far, a count that may grow.
    private static object? Length(TcpRequestBuffer? buffer)
    {
        if (buffer is null)
        {
            return null;
        }
        buffer.MayChange = true;
        return (long)buffer.Data.Length;
    }

    // smp_fetch_payload: LEN bytes from OFFSET, or all from OFFSET for 0 (then more may come).
    private static object? Payload(TcpRequestBuffer? buffer, SampleArgs args)
    {
        if (buffer is null)
        {
            return null;
        }
        long offset = args.Number(0), size = args.Number(1);
        if (size > buffer.Capacity || offset + size > buffer.Capacity)
        {
            return null;
        }
        ReadOnlySpan<byte> data = buffer.Data;
        if (offset + size > data.Length)
        {
            buffer.MayChange = true;
            return null;
        }
        if (size == 0 && !buffer.Closed && !buffer.Full)
        {
            buffer.MayChange = true;
        }
        return data.Slice((int)offset, size == 0 ? data.Length - (int)offset : (int)size).ToArray();
    }

    // smp_fetch_payload_lv: a block whose big-endian length is the LEN1 bytes at OFFSET1; it
    // starts after them, or at OFFSET2 (absolute, or relative to that with a sign).
    private static object? LengthPrefixed(TcpRequestBuffer? buffer, SampleArgs args)
    {
        if (buffer is null)
        {
            return null;
        }
        ReadOnlySpan<byte> data = buffer.Data;
        long lengthAt = args.Number(0), lengthSize = args.Number(1);
        if (lengthAt + lengthSize > data.Length)
        {
            buffer.MayChange = true;
            return null;
        }
        long size = 0;
        for (int i = 0; i < lengthSize; i++)
        {
            size = (size << 8) + data[(int)(lengthAt + i)];
        }
        long blockAt = lengthAt + lengthSize;
        if (args.Text(2) is { Length: > 0 } text)
        {
            long given = long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            blockAt = text[0] is '+' or '-' ? blockAt + given : given;
        }
        if (size == 0 || size > buffer.Capacity || blockAt + size > buffer.Capacity)
        {
            return null;
        }
        if (blockAt + size > data.Length)
        {
            buffer.MayChange = true;
            return null;
        }
        return data.Slice((int)blockAt, (int)size).ToArray();
    }

    // val_payload_lv's refusals, word for word.
    private static string? CheckLengthPrefixed(SampleArgs args)
    {
        if (args.Number(0) < 0)
        {
            return "payload offset1 must be positive";
        }
        if (args.Number(1) == 0)
        {
            return "payload length must be > 0";
        }
        if (args.Text(2) is { Length: > 0 } text)
        {
            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long offset))
            {
                return "payload offset2 is not a number";
            }
            if (args.Number(0) + args.Number(1) + offset < 0)
            {
                return "payload offset2 too negative";
            }
        }
        return null;
    }

    // smp_fetch_wait_end: true only once the inspection is over.
    private static object? WaitEnd(TcpRequestBuffer? buffer)
    {
        if (buffer is { Final: false })
        {
            buffer.MayChange = true;
            return null;
        }
        return true;
    }

    /// <summary>What payload.c reads of a TLS ClientHello at the start of the buffer.</summary>
    private static class TlsHello
    {
        // smp_fetch_ssl_hello_type: the handshake message's type once it is whole.
        public static object? Type(TcpRequestBuffer? buffer)
        {
            if (buffer is null)
            {
                return null;
            }
            ReadOnlySpan<byte> data = buffer.Data;
            if (data.Length == 0)
            {
                return TooShort(buffer);
            }
            if (!(data[0] is >= 0x14 and <= 0x17 or 0xFF))
            {
                return null;
            }
            if (data.Length < 9)
            {
                return TooShort(buffer);
            }
            if ((data[1] << 16) + data[2] < 0x00030000 || (data[3] << 8) + data[4] < 4)
            {
                return null;
            }
            int handshakeLength = (data[6] << 16) + (data[7] << 8) + data[8];
            if (data.Length < 9 + handshakeLength)
            {
                return TooShort(buffer);
            }
            return (long)data[5];
        }

        // What one extension of a ClientHello gives: the extension from its type on, and the
        // bytes left in the extension list from it.
        private delegate object? ExtensionReader(ReadOnlySpan<byte> extension, int remaining);

        // smp_fetch_ssl_hello_sni: the host name of a whole ClientHello's server_name extension.
        public static object? ServerName(TcpRequestBuffer? buffer) => Extension(buffer, 0, (extension, remaining) =>
        {
            int field = (extension[2] << 8) + extension[3];
            if (field < 2)
            {
                return null;
            }
            int list = (extension[4] << 8) + extension[5];
            if (list < 4 || list > remaining - 6 || extension[6] != 0)
            {
                return null;
            }
            int nameLength = (extension[7] << 8) + extension[8];
            return Encoding.Latin1.GetString(extension.Slice(9, nameLength));
        });

        // smp_fetch_ssl_hello_alpn: the protocol names of a whole ClientHello's ALPN extension,
        // in order (an ACL tries each; a sample is the first).
        public static IReadOnlyList<object> Protocols(TcpRequestBuffer? buffer) => Extension(buffer, 16, (extension, _) =>
        {
            int field = (extension[2] << 8) + extension[3];
            if (field < 3)
            {
                return null;
            }
            var names = new List<object>();
            for (int at = 6; ; )
            {
                int nameLength = extension[at];
                if (nameLength + at - 3 > field)
                {
                    return names.Count > 0 ? names : null;
                }
                names.Add(Encoding.Latin1.GetString(extension.Slice(at + 1, nameLength)));
                if (nameLength + at - 3 >= field)
                {
                    return names;
                }
                at += nameLength + 1;
            }
        }) as IReadOnlyList<object> ?? [];

        // The extension of <type> of a whole ClientHello at the start of the buffer, read by <read>.
        // HAProxy checks the hello's length against the bytes after the record header, so it may
        // read a few bytes past what arrived: here that reads as too short.
        private static object? Extension(TcpRequestBuffer? buffer, int type, ExtensionReader read)
        {
            if (buffer is null)
            {
                return null;
            }
            try
            {
                return WalkExtensions(buffer, type, read);
            }
            catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                return TooShort(buffer);
            }
        }

        private static object? WalkExtensions(TcpRequestBuffer buffer, int wanted, ExtensionReader read)
        {
            ReadOnlySpan<byte> data = buffer.Data;
            int left = data.Length;
            if (left == 0)
            {
                return TooShort(buffer);
            }
            if (data[0] != 0x16)
            {
                return null;
            }
            if (left < 3)
            {
                return TooShort(buffer);
            }
            if (data[1] < 0x03)
            {
                return null;
            }
            if (left < 5)
            {
                return TooShort(buffer);
            }
            int length = (data[3] << 8) + data[4];
            if (length < 1 + 3 + 2 + 32 + 1 + 2 + 2 + 1 + 1 + 2 + 2)
            {
                return null;
            }
            data = data[5..];
            left -= 5;
            if (left < 1)
            {
                return TooShort(buffer);
            }
            if (data[0] != 0x01)
            {
                return null;
            }
            if (left < 4)
            {
                return TooShort(buffer);
            }
            length = (data[1] << 16) + (data[2] << 8) + data[3];
            if (length < 2 + 32 + 1 + 2 + 2 + 1 + 1 + 2 + 2)
            {
                return null;
            }
            // HAProxy compares with the bytes left after the record header, not after the handshake's.
            if (left < length)
            {
                return TooShort(buffer);
            }
            data = data[4..];
            if (data.Length < 35 || data[0] < 0x03 || data[1] < 0x01)
            {
                return null;
            }
            int field = data[34];
            if (field > 32 || field > length - 35)
            {
                return null;
            }
            length -= 35 + field;
            data = data[(35 + field)..];
            if (length < 4 || (field = (data[0] << 8) + data[1]) < 2 || field > length)
            {
                return null;
            }
            length -= 2 + field;
            data = data[(2 + field)..];
            if (length < 2 || data[0] < 1 || data[0] > length)
            {
                return null;
            }
            length -= 1 + data[0];
            data = data[(1 + data[0])..];
            if (length < 2 || (field = (data[0] << 8) + data[1]) > length - 2)
            {
                return null;
            }
            length = field;
            data = data[2..];
            while (length >= 4)
            {
                int type = (data[0] << 8) + data[1];
                field = (data[2] << 8) + data[3];
                if (field > length - 4)
                {
                    return null;
                }
                if (type == wanted)
                {
                    return read(data, length);
                }
                length -= 4 + field;
                data = data[(4 + field)..];
            }
            return null;
        }

        private static object? TooShort(TcpRequestBuffer buffer)
        {
            buffer.MayChange = true;
            return null;
        }
    }
}
