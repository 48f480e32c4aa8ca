"""The plugin process: go-plugin's handshake, the gRPC services and the
Describe/Configure/Close lifecycle."""

import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from concurrent import futures
from typing import Dict, Optional

import grpc
from google.protobuf import empty_pb2
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from ._config import Config, ConfigError
from ._kinds import (
    KIND_PROVIDER,
    KIND_STAGE,
    KIND_TRACKER,
    SUPPORTED_PROTOCOL_VERSIONS,
    Plugin,
    ProviderFailure,
)
from ._log import get_logger
from .proto import llmgw_pb2 as pb
from .proto import llmgw_pb2_grpc as pbg

# go-plugin's core protocol version (the first field of the handshake line).
CORE_PROTOCOL_VERSION = 1
# The handshake's magic cookie (sdk/go/handshake.go).
MAGIC_COOKIE_KEY = "LLMGW_PLUGIN"
MAGIC_COOKIE_VALUE = "8c3f0f6e-llmgw-plugin-protocol"

_NOT_A_COMMAND = (
    "This binary is an llmgw plugin. It is not meant to be run by hand: the gateway\n"
    "starts it (add a plugin block to your pipeline.hcl), and `llmgw plugin check PATH`\n"
    "tests it.\n"
)


class _Instances:
    """The configured instances of this process, by instance id."""

    def __init__(self, plugin: Plugin, logger):
        self.plugin = plugin
        self.logger = logger
        self._lock = threading.Lock()
        self._by_kind: Dict[str, Dict[str, object]] = {KIND_STAGE: {}, KIND_PROVIDER: {}, KIND_TRACKER: {}}

    def put(self, kind: str, instance_id: str, inst) -> None:
        with self._lock:
            old = self._take(instance_id)
            self._by_kind[kind][instance_id] = inst
        _close(old, self.logger)

    def get(self, kind: str, instance_id: str, context):
        with self._lock:
            inst = self._by_kind[kind].get(instance_id)
        if inst is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "no %s instance %r" % (kind, instance_id))
        return inst

    def _take(self, instance_id: str):
        old = None
        for m in self._by_kind.values():
            if instance_id in m:
                old = m.pop(instance_id)
        return old

    def close(self, instance_id: str) -> None:
        with self._lock:
            old = self._take(instance_id)
        _close(old, self.logger)

    def close_all(self) -> None:
        with self._lock:
            ids = [i for m in self._by_kind.values() for i in m]
        for i in ids:
            self.close(i)


def _close(inst, logger) -> None:
    if inst is None or not hasattr(inst, "close"):
        return
    try:
        inst.close()
    except Exception as e:  # noqa: BLE001 - a failing close must not stop the others
        logger.warning("closing instance failed: %s" % e)


class _PluginService(pbg.PluginServicer):
    def __init__(self, plugin: Plugin, instances: _Instances, logger):
        self.plugin = plugin
        self.instances = instances
        self.logger = logger

    def Describe(self, request, context):
        return pb.DescribeResponse(
            name=self.plugin.name,
            version=self.plugin.version,
            kinds=self.plugin.kinds(),
            protocol_versions=list(SUPPORTED_PROTOCOL_VERSIONS),
            capabilities=self.plugin.all_capabilities(),
            config_schema=self.plugin.config_schema,
        )

    def Configure(self, request, context):
        if not request.instance_id:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "instance_id is required")
        if request.kind not in (KIND_STAGE, KIND_PROVIDER, KIND_TRACKER):
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "unknown kind %r" % request.kind)
        factory = self.plugin.factory(request.kind)
        if factory is None:
            context.abort(grpc.StatusCode.UNIMPLEMENTED, "plugin %r does not serve kind %r" % (self.plugin.name, request.kind))
        name = request.instance_id.rsplit("@", 1)[0]
        cfg = Config(request.instance_id, request.kind, bytes(request.config_json),
                     request.host if request.HasField("host") else None, get_logger(self.plugin.name + "." + name))
        try:
            inst = factory(cfg)
        except ConfigError as e:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e) or "invalid config")
        except Exception as e:  # noqa: BLE001 - reported to the host
            self.logger.error("configure %s failed: %r" % (request.instance_id, e))
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(e) or type(e).__name__)
        resp = pb.ConfigureResponse()
        info = getattr(inst, "info", None)
        if callable(info):
            resp.info.update({str(k): str(v) for k, v in (info() or {}).items()})
        self.instances.put(request.kind, request.instance_id, inst)
        return resp

    def Close(self, request, context):
        self.instances.close(request.instance_id)
        return pb.CloseResponse()


class _StageService(pbg.StageServicer):
    def __init__(self, instances: _Instances):
        self.instances = instances

    def Process(self, request, context):
        inst = self.instances.get(KIND_STAGE, request.instance_id, context)
        try:
            resp = inst.process(request, context)
        except Exception as e:  # noqa: BLE001 - the host applies the stage's on_error policy
            context.abort(grpc.StatusCode.INTERNAL, "%s: %s" % (type(e).__name__, e))
        return resp if resp is not None else pb.StageResponse()

    def After(self, request, context):
        inst = self.instances.get(KIND_STAGE, request.instance_id, context)
        after = getattr(inst, "after", None)
        if callable(after):
            try:
                after(request, context)
            except Exception as e:  # noqa: BLE001
                context.abort(grpc.StatusCode.INTERNAL, "%s: %s" % (type(e).__name__, e))
        return pb.StageAfterResponse()


def _provider_error(e: Exception) -> pb.ProviderError:
    if isinstance(e, ProviderFailure):
        return e.error
    if isinstance(e, TimeoutError):
        return pb.ProviderError(**{"class": pb.TIMEOUT}, message="upstream timed out")
    return pb.ProviderError(**{"class": pb.TRANSPORT}, message=str(e) or type(e).__name__)


class _ProviderService(pbg.ProviderServicer):
    def __init__(self, instances: _Instances):
        self.instances = instances

    def Complete(self, request, context):
        inst = self.instances.get(KIND_PROVIDER, request.instance_id, context)
        try:
            resp = inst.complete(request, context)
        except Exception as e:  # noqa: BLE001 - classified for the router
            return pb.CompleteResponse(error=_provider_error(e))
        if resp is None:
            return pb.CompleteResponse(error=pb.ProviderError(**{"class": pb.TRANSPORT}, message="provider returned no answer"))
        return resp

    def Stream(self, request, context):
        inst = self.instances.get(KIND_PROVIDER, request.instance_id, context)
        try:
            for chunk in inst.stream(request, context):
                if not context.is_active():
                    return
                yield chunk
        except Exception as e:  # noqa: BLE001 - sent as the last chunk so its class crosses
            yield pb.StreamChunk(error=_provider_error(e))


class _TrackerService(pbg.TrackerServicer):
    def __init__(self, instances: _Instances):
        self.instances = instances

    def Track(self, request, context):
        inst = self.instances.get(KIND_TRACKER, request.instance_id, context)
        try:
            acked = list(inst.track(list(request.events), context) or [])
        except Exception as e:  # noqa: BLE001 - "store nothing, send again later"
            context.abort(grpc.StatusCode.UNAVAILABLE, "track: %s" % e)
        resp = pb.TrackResponse(acked_ids=acked)
        state = getattr(inst, "state", None)
        if callable(state):
            resp.state = state() or ""
        return resp


def _negotiate(logger) -> int:
    """The highest protocol version both sides speak (PLUGIN_PROTOCOL_VERSIONS
    lists the host's); our newest when there is none, which the host refuses
    with a message naming both sides' versions."""
    host = []
    for v in os.environ.get("PLUGIN_PROTOCOL_VERSIONS", "").split(","):
        v = v.strip()
        if v.isdigit():
            host.append(int(v))
    common = sorted(set(host) & set(SUPPORTED_PROTOCOL_VERSIONS))
    if common:
        return common[-1]
    if host:
        logger.warning("no common protocol version: host speaks %s, this plugin %s" % (host, list(SUPPORTED_PROTOCOL_VERSIONS)))
    return max(SUPPORTED_PROTOCOL_VERSIONS)


def serve(plugin: Plugin, max_workers: Optional[int] = None) -> None:
    """Run the plugin until the host stops it. Call it from ``__main__``; it
    does not return (the process exits)."""
    if os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        sys.stderr.write(_NOT_A_COMMAND)
        sys.exit(1)
    logger = get_logger(plugin.name)
    stop = threading.Event()
    # The host's Ctrl-C reaches the whole process group: the host closes the
    # instances and stops this process itself, so ignore SIGINT like Go
    # plugins do. SIGTERM stops at once.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    instances = _Instances(plugin, logger)
    workers = max_workers or int(os.environ.get("LLMGW_PLUGIN_WORKERS", "64"))
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="llmgw-plugin"),
        options=[("grpc.max_receive_message_length", 16 << 20), ("grpc.max_send_message_length", 16 << 20)],
    )
    pbg.add_PluginServicer_to_server(_PluginService(plugin, instances, logger), server)
    if plugin.stage is not None:
        pbg.add_StageServicer_to_server(_StageService(instances), server)
    if plugin.provider is not None:
        pbg.add_ProviderServicer_to_server(_ProviderService(instances), server)
    if plugin.tracker is not None:
        pbg.add_TrackerServicer_to_server(_TrackerService(instances), server)

    # go-plugin's own services: health ("plugin" SERVING), the controller
    # the host calls to stop the process, and stdio (kept open, idle: this
    # SDK logs to stderr, which the host reads directly).
    health_servicer = health.HealthServicer()
    health_servicer.set("plugin", health_pb2.HealthCheckResponse.SERVING)
    health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)

    def shutdown(_request, _context):
        logger.debug("shutdown requested by the host")
        stop.set()
        return empty_pb2.Empty()

    def stdio(_request, context):
        while not stop.wait(0.5) and context.is_active():
            pass
        return
        yield  # pragma: no cover - makes this a generator

    server.add_generic_rpc_handlers((
        grpc.method_handlers_generic_handler("plugin.GRPCController", {
            "Shutdown": grpc.unary_unary_rpc_method_handler(
                shutdown, request_deserializer=empty_pb2.Empty.FromString,
                response_serializer=empty_pb2.Empty.SerializeToString),
        }),
        grpc.method_handlers_generic_handler("plugin.GRPCStdio", {
            "StreamStdio": grpc.unary_stream_rpc_method_handler(
                stdio, request_deserializer=empty_pb2.Empty.FromString,
                response_serializer=lambda b: b),
        }),
    ))

    version = _negotiate(logger)
    client_cert = os.environ.get("PLUGIN_CLIENT_CERT", "")
    cert_field = ""
    if client_cert:
        # AutoMTLS: the gRPC server listens on a private unix socket; a TLS
        # front end on 127.0.0.1 checks the host's certificate (see _mtls).
        from ._mtls import TLSFrontend, make_server_cert

        # In the private directory the host gives the plugin's sockets (it
        # removes it, even if this process is killed), else in one of our own.
        host_dir = os.environ.get("PLUGIN_UNIX_SOCKET_DIR", "")
        sock_dir = "" if host_dir else tempfile.mkdtemp(prefix="llmgw-plugin-")
        sock = os.path.join(host_dir or sock_dir, "grpc.sock")
        if server.add_insecure_port("unix:" + sock) == 0:
            logger.error("cannot listen on %s" % sock)
            sys.exit(1)
        server.start()
        cert_pem, key_pem, cert_field = make_server_cert()
        port = TLSFrontend(cert_pem, key_pem, client_cert.encode(), sock, logger).port
    else:
        sock, sock_dir = "", ""
        port = server.add_insecure_port("127.0.0.1:0")
        if port == 0:
            logger.error("cannot listen on 127.0.0.1")
            sys.exit(1)
        server.start()

    line = "%d|%d|tcp|127.0.0.1:%d|grpc" % (CORE_PROTOCOL_VERSION, version, port)
    if cert_field:
        line += "|" + cert_field
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    logger.debug("serving", extra={"port": port, "protocol": version, "mtls": bool(cert_field)})

    threading.Thread(target=_exit_when_orphaned, args=(stop, logger), daemon=True, name="llmgw-orphan").start()
    stop.wait()
    instances.close_all()
    server.stop(grace=2).wait(5)
    if sock_dir:
        shutil.rmtree(sock_dir, ignore_errors=True)
    elif sock:
        try:
            os.unlink(sock)
        except OSError:
            pass
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _exit_when_orphaned(stop: threading.Event, logger) -> None:
    """Stop when the parent (the host) is gone, even if it was killed with
    SIGKILL and could not stop its plugins."""
    parent = os.getppid()
    while not stop.is_set():
        time.sleep(0.25)
        if os.getppid() != parent:
            logger.warning("host process is gone; exiting")
            stop.set()
