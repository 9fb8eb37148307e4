using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ActorProxy.Runtime.Logging;

/// <summary>
/// Log datagrams for one address, sent together: on Linux one <c>sendmmsg</c> call carries the
/// whole batch, where a <c>sendto</c> per line would cost a system call per request; elsewhere
/// they go one by one. The datagrams live in native memory owned by the batch, so the kernel reads
/// them in place. One sender at a time.
/// </summary>
public sealed unsafe class DatagramBatch : IDisposable
{
    private readonly int _capacity;
    private readonly int _maxLength;
    private readonly SocketAddress _address;
    private readonly byte* _data;
    private readonly byte* _name;
    private readonly IoVector* _vectors;
    private readonly MultiMessageHeader* _messages;
    private int _count;
    private bool _disposed;

    /// <summary>A batch of at most <paramref name="capacity"/> datagrams of at most
    /// <paramref name="maxLength"/> bytes each, for <paramref name="address"/>.</summary>
    public DatagramBatch(int capacity, int maxLength, SocketAddress address)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        _capacity = capacity;
        _maxLength = maxLength;
        _address = address;
        _data = (byte*)NativeMemory.Alloc((nuint)capacity, (nuint)maxLength);
        _name = (byte*)NativeMemory.Alloc((nuint)address.Size);
        address.Buffer.Span[..address.Size].CopyTo(new Span<byte>(_name, address.Size));
        _vectors = (IoVector*)NativeMemory.AllocZeroed((nuint)capacity, (nuint)sizeof(IoVector));
        _messages = (MultiMessageHeader*)NativeMemory.AllocZeroed((nuint)capacity, (nuint)sizeof(MultiMessageHeader));
        for (int i = 0; i < capacity; i++)
        {
            _vectors[i].Base = _data + (long)i * maxLength;
            _messages[i].Header.Name = _name;
            _messages[i].Header.NameLength = (uint)address.Size;
            _messages[i].Header.Vectors = &_vectors[i];
            _messages[i].Header.VectorCount = 1;
        }
    }

    /// <summary>Datagrams waiting.</summary>
    public int Count => _count;

    /// <summary>True when no more datagram fits before <see cref="Send"/>.</summary>
    public bool IsFull => _count == _capacity;

    /// <summary>Copies <paramref name="datagram"/> (cut at the batch's longest) into the batch.</summary>
    public void Add(ReadOnlySpan<byte> datagram)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsFull)
        {
            throw new InvalidOperationException("the batch is full: send it first");
        }
        int length = Math.Min(datagram.Length, _maxLength);
        datagram[..length].CopyTo(new Span<byte>(_vectors[_count].Base, length));
        _vectors[_count].Length = (nuint)length;
        _count++;
    }

    /// <summary>Sends every waiting datagram on <paramref name="socket"/> and empties the batch,
    /// even when sending fails. Returns how many the socket had no room for (a non-blocking
    /// socket's EAGAIN: dropped, as HAProxy drops a line it cannot send at once). Throws
    /// <see cref="IOException"/> (the system's words) or <see cref="SocketException"/> for any other failure.</summary>
    public int Send(Socket socket)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int count = _count;
        _count = 0;
        return OperatingSystem.IsLinux() ? SendAll(socket, count) : SendEach(socket, count);
    }

    private int SendAll(Socket socket, int count)
    {
        int fd = (int)socket.SafeHandle.DangerousGetHandle();
        int sent = 0;
        while (sent < count)
        {
            int result = sendmmsg(fd, _messages + sent, (uint)(count - sent), 0);
            if (result >= 0)
            {
                sent += result;
                continue;
            }
            int error = Marshal.GetLastPInvokeError();
            if (error == Eintr)
            {
                continue;
            }
            if (error == Eagain)
            {
                return count - sent;
            }
            throw new IOException(Marshal.GetPInvokeErrorMessage(error));
        }
        return 0;
    }

    private int SendEach(Socket socket, int count)
    {
        for (int i = 0; i < count; i++)
        {
            socket.SendTo(new ReadOnlySpan<byte>(_vectors[i].Base, (int)_vectors[i].Length), SocketFlags.None, _address);
        }
        return 0;
    }

    /// <summary>Frees the native memory; the batch is not usable after.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        NativeMemory.Free(_data);
        NativeMemory.Free(_name);
        NativeMemory.Free(_vectors);
        NativeMemory.Free(_messages);
    }

    private const int Eintr = 4, Eagain = 11;

    // Linux's struct iovec, struct msghdr and struct mmsghdr.
    [StructLayout(LayoutKind.Sequential)]
    private struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Vectors;
        public nuint VectorCount;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MultiMessageHeader
    {
        public MessageHeader Header;
        public uint Length;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int sendmmsg(int fd, MultiMessageHeader* messages, uint count, int flags);
}
