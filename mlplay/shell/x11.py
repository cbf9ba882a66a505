"""Whether our own X11 window still exists, asked of the X server through libxcb (ctypes, no extra package).

Qt (OpenCV's window backend) does not notice when its window is destroyed from outside (e.g. `xdotool
windowclose`): cv2 still reports it visible. The X server knows, so the window shell asks it.
"""

import ctypes
import ctypes.util
import os
import sys
import time


class _Cookie(ctypes.Structure):
    _fields_ = [("sequence", ctypes.c_uint)]


class _Generic(ctypes.Structure):  # the common head of every reply
    _fields_ = [("response_type", ctypes.c_uint8), ("pad0", ctypes.c_uint8), ("sequence", ctypes.c_uint16),
                ("length", ctypes.c_uint32)]


class _Tree(ctypes.Structure):
    _fields_ = [("response_type", ctypes.c_uint8), ("pad0", ctypes.c_uint8), ("sequence", ctypes.c_uint16),
                ("length", ctypes.c_uint32), ("root", ctypes.c_uint32), ("parent", ctypes.c_uint32),
                ("children_len", ctypes.c_uint16), ("pad1", ctypes.c_uint8 * 14)]


class _Atom(ctypes.Structure):
    _fields_ = [("response_type", ctypes.c_uint8), ("pad0", ctypes.c_uint8), ("sequence", ctypes.c_uint16),
                ("length", ctypes.c_uint32), ("atom", ctypes.c_uint32)]


class _Property(ctypes.Structure):
    _fields_ = [("response_type", ctypes.c_uint8), ("format", ctypes.c_uint8), ("sequence", ctypes.c_uint16),
                ("length", ctypes.c_uint32), ("type", ctypes.c_uint32), ("bytes_after", ctypes.c_uint32),
                ("value_len", ctypes.c_uint32), ("pad0", ctypes.c_uint8 * 12)]


class _ScreenIterator(ctypes.Structure):
    _fields_ = [("data", ctypes.POINTER(ctypes.c_uint32)), ("rem", ctypes.c_int), ("index", ctypes.c_int)]


def _lib():
    name = ctypes.util.find_library("xcb") or "libxcb.so.1"
    lib = ctypes.CDLL(name)
    P = ctypes.c_void_p
    lib.xcb_connect.restype = P
    lib.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
    lib.xcb_connection_has_error.argtypes = [P]
    lib.xcb_disconnect.argtypes = [P]
    lib.xcb_get_setup.restype = P
    lib.xcb_get_setup.argtypes = [P]
    lib.xcb_setup_roots_iterator.restype = _ScreenIterator
    lib.xcb_setup_roots_iterator.argtypes = [P]
    for request, reply, args in (("query_tree", _Tree, [ctypes.c_uint32]),
                                 ("intern_atom", _Atom, [ctypes.c_uint8, ctypes.c_uint16, ctypes.c_char_p]),
                                 ("get_property", _Property, [ctypes.c_uint8, ctypes.c_uint32, ctypes.c_uint32,
                                                              ctypes.c_uint32, ctypes.c_uint32, ctypes.c_uint32]),
                                 ("get_window_attributes", _Generic, [ctypes.c_uint32])):
        getattr(lib, f"xcb_{request}").restype = _Cookie
        getattr(lib, f"xcb_{request}").argtypes = [P, *args]
        getattr(lib, f"xcb_{request}_reply").restype = ctypes.POINTER(reply)
        getattr(lib, f"xcb_{request}_reply").argtypes = [P, _Cookie, ctypes.POINTER(P)]
    lib.xcb_query_tree_children.restype = ctypes.POINTER(ctypes.c_uint32)
    lib.xcb_query_tree_children.argtypes = [ctypes.POINTER(_Tree)]
    lib.xcb_get_property_value.restype = P
    lib.xcb_get_property_value.argtypes = [ctypes.POINTER(_Property)]
    lib.xcb_get_property_value_length.argtypes = [ctypes.POINTER(_Property)]
    libc = ctypes.CDLL(None)
    libc.free.argtypes = [P]
    return lib, libc.free


class X11Window:
    """This process's top-level window of a given title, found by its _NET_WM_PID and _NET_WM_NAME.

    `exists()` is False only once the server says the window is gone. Where the server cannot be asked (no libxcb,
    not X11) or the window is not found yet, it says True: the cv2 checks still apply."""

    def __init__(self, title: str):
        self.title, self.conn, self.id, self.next_search = title.encode(), None, None, 0.0
        if not sys.platform.startswith("linux"):  # OpenCV's windows are not X11 windows elsewhere
            return
        try:
            self.lib, self.free = _lib()
            conn = self.lib.xcb_connect(None, None)
            if not conn or self.lib.xcb_connection_has_error(conn):
                return
            self.conn = conn
            self.pid_atom, self.name_atom = self._atom(b"_NET_WM_PID"), self._atom(b"_NET_WM_NAME")
            self.utf8 = self._atom(b"UTF8_STRING")
            self.root = self.lib.xcb_setup_roots_iterator(self.lib.xcb_get_setup(self.conn)).data[0]
        except (OSError, AttributeError, ValueError):  # no libxcb, or an unexpected one
            self.close()

    def _reply(self, request, *args):
        cookie = getattr(self.lib, f"xcb_{request}")(self.conn, *args)
        error = ctypes.c_void_p()
        reply = getattr(self.lib, f"xcb_{request}_reply")(self.conn, cookie, ctypes.byref(error))
        if error:
            self.free(error)
        return reply if reply else None

    def _atom(self, name: bytes) -> int:
        reply = self._reply("intern_atom", 0, len(name), name)
        if reply is None:
            raise ValueError(f"cannot intern {name!r}")
        atom = reply.contents.atom
        self.free(reply)
        return atom

    def _property(self, window: int, atom: int, kind: int) -> bytes | None:
        reply = self._reply("get_property", 0, window, atom, kind, 0, 256)
        if reply is None:
            return None
        n = self.lib.xcb_get_property_value_length(reply)
        value = ctypes.string_at(self.lib.xcb_get_property_value(reply), n) if n > 0 else None
        self.free(reply)
        return value

    def _find(self, window: int, title: bytes, pid: int, depth: int) -> int | None:
        tree = self._reply("query_tree", window)
        if tree is None:
            return None
        children = list(self.lib.xcb_query_tree_children(tree)[:tree.contents.children_len])
        self.free(tree)
        for child in children:
            owner = self._property(child, self.pid_atom, 6)  # CARDINAL
            mine = owner and int.from_bytes(owner[:4], "little") == pid
            if mine and self._property(child, self.name_atom, self.utf8) == title:
                return child
            if depth > 1:
                found = self._find(child, title, pid, depth - 1)
                if found:
                    return found
        return None

    def exists(self) -> bool:
        if self.conn is None:
            return True
        if self.id is None:  # not mapped yet, or not found: look again now and then, never claim it is gone
            now = time.monotonic()
            if now < self.next_search:
                return True
            self.next_search = now + 0.5
            self.id = self._find(self.root, self.title, os.getpid(), depth=3)
            return True
        reply = self._reply("get_window_attributes", self.id)
        if reply is None:
            return False
        self.free(reply)
        return True

    def close(self) -> None:
        if getattr(self, "conn", None):
            self.lib.xcb_disconnect(self.conn)
            self.conn = None


def screen_size() -> tuple[int, int] | None:
    """The default screen's size in pixels, or None where the X server cannot be asked."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        lib, _ = _lib()
        conn = lib.xcb_connect(None, None)
        if not conn or lib.xcb_connection_has_error(conn):
            return None
        try:
            screen = lib.xcb_setup_roots_iterator(lib.xcb_get_setup(conn)).data
            packed = screen[5]  # xcb_screen_t: root, colormap, white, black, input masks, then width and height
            return packed & 0xFFFF, packed >> 16
        finally:
            lib.xcb_disconnect(conn)
    except (OSError, AttributeError, ValueError):
        return None
