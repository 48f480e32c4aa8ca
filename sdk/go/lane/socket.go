package lane

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"
)

// SocketName is the lane's socket inside the private directory the host
// gives the plugin.
const SocketName = "lane.sock"

// hello is the byte a plugin sends once it has accepted the host's
// credentials: without it the host never counts a lane as set up, so a
// refused connection means gRPC, not a failed first call.
const hello = 'L'

// helloTimeout bounds the wait for hello when the caller's context has no
// deadline.
const helloTimeout = 5 * time.Second

// Listen opens the lane's socket in dir, a directory the host created for
// this plugin: it must be owned by this user and closed to everyone else
// (mode 0700), so no other user can even reach the socket. A socket left
// by a previous incarnation of the plugin is replaced.
func Listen(dir string) (net.Listener, error) {
	if err := checkPrivateDir(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, SocketName)
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	return net.Listen("unix", path)
}

// Serve accepts connections on l until it is closed. Only a peer running
// as this user with process id wantPid (the host: the plugin's parent) is
// served; any other is closed at once.
func Serve(l net.Listener, h Handler, wantPid int, reject func(error)) error {
	for {
		conn, err := l.Accept()
		if err != nil {
			return err
		}
		if err := checkPeer(conn, wantPid); err != nil {
			if reject != nil {
				reject(err)
			}
			_ = conn.Close()
			continue
		}
		if _, err := conn.Write([]byte{hello}); err != nil {
			_ = conn.Close()
			continue
		}
		go func() { _ = ServeConn(conn, h) }()
	}
}

// Dial connects to the lane of the plugin process pid, whose private
// directory is dir, and checks that the socket is served by that process
// and this user.
func Dial(ctx context.Context, dir string, pid int) (*Client, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", filepath.Join(dir, SocketName))
	if err != nil {
		return nil, err
	}
	if err := checkPeer(conn, pid); err != nil {
		_ = conn.Close()
		return nil, err
	}
	if err := awaitHello(ctx, conn); err != nil {
		_ = conn.Close()
		return nil, err
	}
	return NewClient(conn), nil
}

// checkPeer checks the peer's credentials as the kernel reports them
// (SO_PEERCRED): same user, the expected process.
func checkPeer(conn net.Conn, wantPid int) error {
	uc, ok := conn.(*net.UnixConn)
	if !ok {
		return errors.New("lane: not a unix socket")
	}
	pid, uid, err := peerCred(uc)
	if err != nil {
		return fmt.Errorf("lane: peer credentials: %w", err)
	}
	if uid != os.Getuid() {
		return fmt.Errorf("lane: peer runs as uid %d, not %d", uid, os.Getuid())
	}
	if pid != wantPid {
		return fmt.Errorf("lane: peer is process %d, not %d", pid, wantPid)
	}
	return nil
}

func checkPrivateDir(dir string) error {
	st, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("lane: %s is not a directory", dir)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("lane: %s is open to other users (mode %v); want 0700", dir, st.Mode().Perm())
	}
	if uid, ok := ownerUID(st); ok && uid != os.Getuid() {
		return fmt.Errorf("lane: %s belongs to uid %d", dir, uid)
	}
	return nil
}

// awaitHello waits for the plugin's acceptance of this connection.
func awaitHello(ctx context.Context, conn net.Conn) error {
	dl, ok := ctx.Deadline()
	if !ok {
		dl = time.Now().Add(helloTimeout)
	}
	_ = conn.SetReadDeadline(dl)
	var b [1]byte
	if _, err := io.ReadFull(conn, b[:]); err != nil {
		return fmt.Errorf("lane: the plugin did not accept the connection: %w", err)
	}
	if b[0] != hello {
		return fmt.Errorf("lane: the plugin answered %q, not the lane's hello", b[0])
	}
	return conn.SetReadDeadline(time.Time{})
}
