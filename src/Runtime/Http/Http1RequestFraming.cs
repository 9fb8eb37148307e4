using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace ActorProxy.Runtime.Http;

/// <summary>
/// Follows the HTTP/1 request framing of the bytes a client sends on one connection — request
/// line, header fields, a body of Content-Length bytes or chunked — to see each head as it came,
/// before the web server's parser has normalised it. It reports what HAProxy 2.6's parser
/// (h1_parse_cont_len_header) refuses and Kestrel's lets through: a Content-Length with a sign
/// ("+5", "-0"). Where it can no longer be sure where the next head begins (an upgrade, a CONNECT,
/// HTTP/2's preface, framing the web server itself refuses), it stops looking: everything after
/// that is tunnel or error, never a request it could misread.
/// </summary>
public sealed class Http1RequestFraming
{
    private enum Part { RequestLine, Field, Body, ChunkSize, ChunkData, ChunkEnd, Trailer, Blind }

    private Part _part = Part.RequestLine;
    // Absolute offsets in the connection's input: the next byte to look at, the line under way.
    private long _position;
    private long _lineStart;
    private long _left;
    private long _heads;
    // The head under way.
    private long? _length;
    private bool _chunked;
    private bool _tunnel;
    private string? _refusal;

    /// <summary>The number of request heads seen so far (the first is 1).</summary>
    public long Heads => _heads;

    /// <summary>True once the framing can no longer be followed; nothing more is reported.</summary>
    public bool Blind => _part == Part.Blind;

    /// <summary>Looks at the bytes of <paramref name="buffer"/> not seen yet; the buffer starts at
    /// absolute offset <paramref name="start"/> of the input and must hold every byte from the
    /// line under way on (a reader consumes no part of a line before it ends). Calls
    /// <paramref name="refused"/> with a head's number and HAProxy's reason for each head it
    /// would refuse.</summary>
    public void Scan(in ReadOnlySequence<byte> buffer, long start, Action<long, string> refused)
    {
        if (_lineStart < start && _part is not (Part.Body or Part.ChunkData or Part.Blind))
        {
            // Bytes of an unfinished line were consumed: whatever reads this input does not
            // follow the framing, so neither can this.
            _part = Part.Blind;
        }
        var reader = new SequenceReader<byte>(buffer);
        if (_position > start)
        {
            reader.Advance(_position - start);
        }
        while (!reader.End && _part != Part.Blind)
        {
            if (_part is Part.Body or Part.ChunkData)
            {
                long skip = Math.Min(_left, reader.Remaining);
                reader.Advance(skip);
                _left -= skip;
                if (_left == 0)
                {
                    _part = _part == Part.Body ? Part.RequestLine : Part.ChunkEnd;
                    _lineStart = start + reader.Consumed;
                }
                continue;
            }
            if (!reader.TryAdvanceTo((byte)'\n'))
            {
                reader.AdvanceToEnd();
                break;
            }
            long lineEnd = start + reader.Consumed;
            var line = buffer.Slice(_lineStart - start, lineEnd - 1 - _lineStart);
            if (!line.IsEmpty && EndsWithReturn(line))
            {
                line = line.Slice(0, line.Length - 1);
            }
            _lineStart = lineEnd;
            OnLine(line, refused);
        }
        _position = start + reader.Consumed;
    }

    private void OnLine(in ReadOnlySequence<byte> line, Action<long, string> refused)
    {
        switch (_part)
        {
            case Part.RequestLine:
                // Empty lines before a request line are ignored (RFC 9112, 2.2).
                if (!line.IsEmpty)
                {
                    OnRequestLine(line);
                }
                break;
            case Part.Field:
                if (line.IsEmpty)
                {
                    OnHeadEnd(refused);
                }
                else
                {
                    OnField(line);
                }
                break;
            case Part.ChunkSize:
                OnChunkSize(line);
                break;
            case Part.ChunkEnd:
                _part = line.IsEmpty ? Part.ChunkSize : Part.Blind;
                break;
            case Part.Trailer:
                if (line.IsEmpty)
                {
                    _part = Part.RequestLine;
                }
                break;
        }
    }

    private void OnRequestLine(in ReadOnlySequence<byte> line)
    {
        _heads++;
        (_length, _chunked, _refusal) = (null, false, null);
        _tunnel = StartsWith(line, "CONNECT "u8) || StartsWith(line, "PRI * HTTP/2"u8);
        _part = Part.Field;
    }

    private void OnField(in ReadOnlySequence<byte> line)
    {
        if (IsField(line, "content-length"u8, out var value))
        {
            Span<byte> copy = stackalloc byte[32];
            var text = value.Length <= copy.Length ? Trim(copy[..(int)value.Length], value) : default;
            if (_length is not null || !Utf8Parser.TryParse(text, out long length, out int used) || used != text.Length || length < 0)
            {
                // Two lengths, or one that is no number (or too long for one): the web server
                // refuses the request itself.
                _part = Part.Blind;
                return;
            }
            _length = length;
            if (text[0] is (byte)'+' or (byte)'-')
            {
                _refusal ??= $"Content-Length '{Encoding.ASCII.GetString(text)}' is not a number";
            }
        }
        else if (IsField(line, "transfer-encoding"u8, out value))
        {
            // The last coding decides (RFC 9112, 6.3); a request whose last is not chunked is refused.
            string codings = Encoding.Latin1.GetString(value);
            _chunked = codings.AsSpan(codings.LastIndexOf(',') + 1).Trim(" \t").Equals("chunked", StringComparison.OrdinalIgnoreCase);
            if (!_chunked)
            {
                _part = Part.Blind;
            }
        }
        else if (IsField(line, "upgrade"u8, out _))
        {
            _tunnel = true;
        }
    }

    private void OnHeadEnd(Action<long, string> refused)
    {
        if (_refusal is not null)
        {
            refused(_heads, _refusal);
            // The request is answered 400 and its connection closed: nothing after it is a request.
            _part = Part.Blind;
            return;
        }
        if (_tunnel)
        {
            _part = Part.Blind;
        }
        else if (_chunked)
        {
            _part = Part.ChunkSize;
        }
        else if (_length is > 0)
        {
            (_part, _left) = (Part.Body, _length.Value);
        }
        else
        {
            _part = Part.RequestLine;
        }
    }

    private void OnChunkSize(in ReadOnlySequence<byte> line)
    {
        var reader = new SequenceReader<byte>(line);
        long size = 0;
        int digits = 0;
        while (reader.TryRead(out byte b) && HexValue(b) is >= 0 and var digit)
        {
            if (++digits > 15)
            {
                // Past what a body may be: the web server refuses it.
                _part = Part.Blind;
                return;
            }
            size = size * 16 + digit;
        }
        if (digits == 0)
        {
            _part = Part.Blind;
        }
        else if (size == 0)
        {
            _part = Part.Trailer;
        }
        else
        {
            (_part, _left) = (Part.ChunkData, size);
        }
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    // True when the line is the field <paramref name="name"/> (lower case), with its value.
    private static bool IsField(in ReadOnlySequence<byte> line, ReadOnlySpan<byte> name, out ReadOnlySequence<byte> value)
    {
        value = default;
        if (line.Length <= name.Length || line.Length > 64 * 1024 || (line.FirstSpan[0] | 0x20) != name[0])
        {
            return false;
        }
        Span<byte> start = stackalloc byte[name.Length + 1];
        line.Slice(0, name.Length + 1).CopyTo(start);
        if (start[name.Length] != (byte)':')
        {
            return false;
        }
        for (int i = 0; i < name.Length; i++)
        {
            if ((start[i] | 0x20) != name[i])
            {
                return false;
            }
        }
        value = line.Slice(name.Length + 1);
        return true;
    }

    private static bool StartsWith(in ReadOnlySequence<byte> line, ReadOnlySpan<byte> prefix)
    {
        if (line.Length < prefix.Length)
        {
            return false;
        }
        Span<byte> start = stackalloc byte[prefix.Length];
        line.Slice(0, prefix.Length).CopyTo(start);
        return start.SequenceEqual(prefix);
    }

    private static bool EndsWithReturn(in ReadOnlySequence<byte> line)
    {
        Span<byte> last = stackalloc byte[1];
        line.Slice(line.Length - 1).CopyTo(last);
        return last[0] == (byte)'\r';
    }

    // The value copied into copy, without the spaces and tabs around it.
    private static ReadOnlySpan<byte> Trim(Span<byte> copy, in ReadOnlySequence<byte> value)
    {
        value.CopyTo(copy);
        return copy.Trim(" \t"u8);
    }
}
