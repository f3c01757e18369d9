"""Flask extensions, created once here and bound to the app in `create_app`."""

from __future__ import annotations

from flask_login import LoginManager
from flask_socketio import SocketIO

from waitwell.api.openapi import WaitwellApi

login_manager = LoginManager()
socketio = SocketIO()
api = WaitwellApi()
