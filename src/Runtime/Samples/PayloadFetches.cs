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
        var length = new SampleFetchDefinition("req.len", SampleType.SInt, SampleArgSpec.None, SampleDirection.Any, (x, _) => Length(x.RequestBuffer))
        {
            ReadsContent = true,
            RefusedInHttp = "in mode http HAProxy counts the bytes of its internal HTTP buffer, which ActorProxy does not have",
        };
        var helloType = new SampleFetchDefinition("req.ssl_hello_type", SampleType.SInt, SampleArgSpec.None, SampleDirection.Any, (x, _) => TlsHello.Type(x.RequestBuffer)) { ReadsContent = true };
        var serverName = new SampleFetchDefinition("req.ssl_sni", SampleType.Str, SampleArgSpec.None, SampleDirection.Any, (x, _) => TlsHello.ServerName(x.RequestBuffer)) { ReadsContent = true };
        yield return length;
        yield return Renamed("req_len", length);
        yield return helloType;
        yield return Renamed("req_ssl_hello_type", helloType);
        yield return serverName;
        yield return Renamed("req_ssl_sni", serverName);
        var version = new SampleFetchDefinition("req.ssl_ver", SampleType.SInt, SampleArgSpec.None, SampleDirection.Any, (x, _) => TlsHello.Version(x.RequestBuffer))
        {
            ReadsContent = true,
            AclPattern = Rules.DottedVersion.ToRange,
        };
        yield return version;
        yield return Renamed("req_ssl_ver", version);
        yield return new SampleFetchDefinition("req.ssl_ec_ext", SampleType.Bool, SampleArgSpec.None, SampleDirection.Any, (x, _) => TlsHello.EllipticCurves(x.RequestBuffer)) { ReadsContent = true };
        yield return new SampleFetchDefinition("req.ssl_st_ext", SampleType.SInt, SampleArgSpec.None, SampleDirection.Any, (x, _) => TlsHello.SessionTicket(x.RequestBuffer)) { ReadsContent = true };
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
        new(name, fetch.Output, fetch.Args, fetch.Direction, fetch.Fetch)
        {
            ReadsContent = fetch.ReadsContent,
            RefusedInHttp = fetch.RefusedInHttp,
            AclPattern = fetch.AclPattern,
        };

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
        private static object? Extension(TcpRequestBuffer? buffer, int type, ExtensionReader read, object? missing = null)
        {
            if (buffer is null)
            {
                return null;
            }
            try
            {
                return WalkExtensions(buffer, type, read, missing);
            }
            catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                return TooShort(buffer);
            }
        }

        private static object? WalkExtensions(TcpRequestBuffer buffer, int wanted, ExtensionReader read, object? missing)
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
            return missing;
        }

        // smp_fetch_req_ssl_ec_ext: true when the hello has the elliptic curves extension.
        public static object? EllipticCurves(TcpRequestBuffer? buffer) => Extension(buffer, 10, (_, _) => true);

        // smp_fetch_req_ssl_st_ext: 2 for a session ticket, 1 for its extension empty, 0 without it.
        public static object? SessionTicket(TcpRequestBuffer? buffer) =>
            Extension(buffer, 35, (extension, _) => ((extension[2] << 8) + extension[3]) > 0 ? 2L : 1L, missing: 0L);

        // smp_fetch_req_ssl_ver: the version a whole hello asks for (the ClientHello's, not the
        // record's), SSLv3 and later or an SSLv2 hello, as (major << 16) + minor.
        public static object? Version(TcpRequestBuffer? buffer)
        {
            if (buffer is null)
            {
                return null;
            }
            ReadOnlySpan<byte> data = buffer.Data;
            int left = data.Length, length;
            if (left == 0)
            {
                return TooShort(buffer);
            }
            long version;
            if (data[0] is >= 0x14 and <= 0x17 or 0xFF)
            {
                if (left < 11)
                {
                    return TooShort(buffer);
                }
                version = (data[1] << 16) + data[2];
                length = (data[3] << 8) + data[4];
                if (version < 0x00030000 || length < 6 || length > (1 << 14) + 2048)
                {
                    return null;
                }
                left -= 5;
                data = data[5..];
                version = (data[4] << 16) + data[5];
            }
            else
            {
                int record, padding;
                if ((data[0] & 0x80) != 0)
                {
                    if (left < 3)
                    {
                        return TooShort(buffer);
                    }
                    record = ((data[0] & 0x7F) << 8) | data[1];
                    padding = 0;
                    left -= 2;
                    data = data[2..];
                }
                else
                {
                    if (left < 4)
                    {
                        return TooShort(buffer);
                    }
                    record = ((data[0] & 0x3F) << 8) | data[1];
                    padding = data[2];
                    left -= 3;
                    data = data[3..];
                }
                if (data[0] != 0x01)
                {
                    return null;
                }
                left--;
                data = data[1..];
                if (left < 8)
                {
                    return TooShort(buffer);
                }
                version = (data[0] << 16) + data[1];
                int ciphers = (data[2] << 8) + data[3], session = (data[4] << 8) + data[5], challenge = (data[6] << 8) + data[7];
                left -= 8;
                if (ciphers % 3 != 0 || (session != 0 && session != 16) || challenge is < 16 or > 32 || record != 9 + ciphers + session + challenge)
                {
                    return null;
                }
                length = ciphers + session + challenge + padding;
            }
            // All of the message that fits in the buffer must be there.
            if (left < Math.Min(length, buffer.Limit))
            {
                return TooShort(buffer);
            }
            return version;
        }

        private static object? TooShort(TcpRequestBuffer buffer)
        {
            buffer.MayChange = true;
            return null;
        }
    }
}
