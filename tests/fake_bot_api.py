"""A fake Telegram Bot API server on 127.0.0.1 for the tipline tests: the real bot code (ours and
python-telegram-bot's) talks HTTP to it as to api.telegram.org. It answers the methods the tipline
uses, queues the updates a test makes, serves files, and records every message sent."""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.parse
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "123456789:AAE-test-token-for-the-fake-server_01"


class FakeBotApi:
    def __init__(self) -> None:
        self.updates: list[dict] = []
        self.sent: list[dict] = []  # {"chat_id", "text", "buttons"}
        self.files: dict[str, bytes] = {}
        self.calls: list[str] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                api._answer(self, self.path, self._params())

            def do_GET(self):
                if urllib.parse.unquote(self.path).startswith(f"/file/bot{TOKEN}/"):
                    data = api.files.get(self.path.rsplit("/", 1)[1])
                    self.send_response(200 if data is not None else 404)
                    self.end_headers()
                    self.wfile.write(data or b"")
                    return
                api._answer(self, self.path.split("?")[0], dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query)))

            def _params(self) -> dict:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                kind = self.headers.get("Content-Type", "")
                if kind.startswith("application/json"):
                    return json.loads(body or b"{}")
                if kind.startswith("multipart/form-data"):
                    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {kind}\r\n\r\n".encode() + body)
                    return {part.get_param("name", header="content-disposition"): part.get_content()
                            for part in message.iter_parts()}
                return dict(urllib.parse.parse_qsl(body.decode()))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- what a test does

    def message(self, chat_id: int, text: str | None = None, *, chat_type: str = "private", language: str | None = None,
                **extra) -> None:
        """Queue a message from a person (with a user name and a phone-like name the bot must never keep)."""
        with self._lock:
            update_id = next(self._ids)
            message = {
                "message_id": update_id, "date": int(time.time()), "chat": {"id": chat_id, "type": chat_type},
                "from": {"id": chat_id, "is_bot": False, "first_name": "Zarina +998901234567", "username": "zarina_secret",
                         **({"language_code": language} if language else {})},
                **({"text": text} if text is not None else {}), **extra,
            }
            self.updates.append({"update_id": update_id, "message": message})

    def add_file(self, file_id: str, data: bytes) -> None:
        self.files[file_id] = data

    def sent_to(self, chat_id: int) -> list[dict]:
        return [m for m in self.sent if m["chat_id"] == chat_id]

    # -- the Bot API

    def _answer(self, handler, path: str, params: dict) -> None:
        path = urllib.parse.unquote(path)
        method = path.rsplit("/", 1)[1]
        if not path.startswith(f"/bot{TOKEN}/"):
            return self._reply(handler, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        self.calls.append(method)
        value = {"getMe": self._me, "getUpdates": self._get_updates, "sendMessage": self._send_message,
                 "getFile": self._get_file, "deleteWebhook": lambda p: True, "close": lambda p: True,
                 "logOut": lambda p: True}.get(method)
        if value is None:
            return self._reply(handler, 404, {"ok": False, "error_code": 404, "description": "Not Found"})
        return self._reply(handler, 200, {"ok": True, "result": value(params)})

    @staticmethod
    def _reply(handler, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _me(self, params):
        return {"id": 1, "is_bot": True, "first_name": "RecruitWatch", "username": "recruitwatch_test_bot",
                "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}

    def _get_updates(self, params):
        offset = int(params.get("offset") or 0)
        with self._lock:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            return list(self.updates[:100])

    def _send_message(self, params):
        markup = params.get("reply_markup")
        markup = json.loads(markup) if isinstance(markup, str) else markup or {}
        buttons = [b["text"] if isinstance(b, dict) else b for row in markup.get("keyboard", []) for b in row]
        chat_id = int(params["chat_id"])
        self.sent.append({"chat_id": chat_id, "text": params["text"], "buttons": buttons})
        return {"message_id": next(self._ids), "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
                "text": params["text"]}

    def _get_file(self, params):
        file_id = params["file_id"]
        return {"file_id": file_id, "file_unique_id": file_id, "file_size": len(self.files.get(file_id, b"")),
                "file_path": f"documents/{file_id}"}
