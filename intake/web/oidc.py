"""Single sign-on with OpenID Connect (the government's Keycloak, or any issuer), when
ABSAH_OIDC_* is set: the authorization code flow with PKCE through Authlib (state, nonce and
the id_token's signature, issuer, audience and expiry checked), then the claims become an
account — role and scope from the claims at every sign-in, a disabled account stays out."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App
from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from joserfc.errors import JoseError

from infra.accounts import AccountRefused, check_scope, create_account, principal_of
from infra.audit import account_audit
from infra.db import transaction
from infra.keys import Principal, Role
from infra.settings import Settings
from infra.tables import Account
from intake.deps import Runtime
from intake.web.render import page, redirect
from intake.web.session import flash, home_of, local_path, sign_in

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

CALLBACK = "/ui/masuk/sso/kembali"
NEXT = "sso_lanjut"  # the cookie's field: where to go after the issuer sent the person back
_clients: dict[tuple[str, str], StarletteOAuth2App] = {}


class SsoRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def issuer_of(settings: Settings) -> str:
    return (settings.oidc_issuer or "").rstrip("/")


def sso_client(settings: Settings) -> StarletteOAuth2App:
    """Built on first use (never at import), one per issuer and client id."""
    key = (issuer_of(settings), settings.oidc_client_id or "")
    if key not in _clients:
        oauth = OAuth()
        secret = settings.oidc_client_secret
        _clients[key] = oauth.register(
            name="sso",
            client_id=settings.oidc_client_id,
            client_secret=secret.get_secret_value() if secret else None,
            server_metadata_url=f"{key[0]}/.well-known/openid-configuration",
            client_kwargs={"scope": settings.oidc_scopes, "code_challenge_method": "S256"},
        )
    return _clients[key]


def claim(claims: dict[str, Any], path: str) -> Any:
    """A claim by dotted path (realm_access.roles)."""
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


@dataclass(frozen=True)
class SsoPerson:
    subject: str  # issuer|sub: the issuer's id for the person, never reused
    username: str
    name: str
    role: Role
    region: str | None
    unit: str | None


def map_claims(settings: Settings, claims: dict[str, Any]) -> SsoPerson:
    """The id_token's claims as an account: one known role value, its scope."""
    if claims.get("iss", "").rstrip("/") != issuer_of(settings) or not claims.get("sub"):
        raise SsoRefused("Tanda masuk dari SSO tidak berasal dari penerbit yang dikenal.")
    values = claim(claims, settings.oidc_role_claim)
    values = [values] if isinstance(values, str) else list(values or [])
    role_map = settings.oidc_role_map()
    roles = {role_map[str(v)] for v in values if str(v) in role_map}
    if len(roles) != 1:
        raise SsoRefused(
            "Akun SSO Anda belum diberi peran Absah (verifikator, operator unit, atau admin), "
            "atau diberi lebih dari satu. Hubungi admin SSO."
        )
    role = Role(roles.pop())
    region = claim(claims, settings.oidc_region_claim) if role is Role.VERIFIER else None
    unit = claim(claims, settings.oidc_unit_claim) if role is Role.UNIT else None
    username = str(claim(claims, settings.oidc_username_claim) or claims["sub"])
    return SsoPerson(
        subject=f"{issuer_of(settings)}|{claims['sub']}",
        username=username.lower(),
        name=str(claim(claims, settings.oidc_name_claim) or username),
        role=role,
        region=str(region) if region else None,
        unit=str(unit).upper() if unit else None,
    )


def provision(rt: Runtime, person: SsoPerson) -> Principal:
    """The account of this issuer's subject, created at the first sign-in and brought in line
    with the claims at each one. A local account with the same username is never taken over."""
    try:
        with transaction(rt.sessions) as session:
            row = (
                session.query(Account).filter(Account.oidc_subject == person.subject).one_or_none()
            )
            if row is None:
                row = create_account(
                    session,
                    rt.settings,
                    username=person.username,
                    name=person.name,
                    role=person.role,
                    region=person.region,
                    unit=person.unit,
                    oidc_subject=person.subject,
                )
            elif not row.active:
                raise SsoRefused("Akun ini dinonaktifkan di Absah. Hubungi admin Absah.")
            else:
                check_scope(session, person.role, person.region, person.unit)
                before = {"role": row.role, "region": row.region_code, "unit": row.unit_code}
                row.display_name, row.role = person.name, person.role
                row.region_code, row.unit_code = person.region, person.unit
                after = {"role": row.role, "region": row.region_code, "unit": row.unit_code}
                if before != after:
                    account_audit(
                        session,
                        action="account.sso_changed",
                        username=row.username,
                        before=before,
                        after=after,
                        actor="SSO",
                    )
            return principal_of(row)
    except AccountRefused as refused:
        raise SsoRefused(f"Akun SSO tidak dapat dipakai di Absah: {refused.message_id}") from None


def _callback_url(request: Request, settings: Settings) -> str:
    base = (settings.public_base_url or str(request.base_url)).rstrip("/")
    return base + CALLBACK


def _refused(request: Request, message: str, status: int = 401) -> Response:
    return page(request, "galat.html", None, status=status, message=message, code=status)


@router.get("/ui/masuk/sso")
async def start_sso(request: Request, rt: Runtime, lanjut: str | None = None) -> Response:
    if not rt.settings.oidc_enabled():
        return _refused(request, "Masuk lewat SSO tidak diaktifkan di server ini.", 404)
    request.session[NEXT] = local_path(lanjut, "")
    try:
        answer: Response = await sso_client(rt.settings).authorize_redirect(
            request, _callback_url(request, rt.settings)
        )
    except httpx.HTTPError as exc:
        log.warning("the SSO issuer did not answer its discovery document: %s", exc)
        return _refused(request, "Server SSO tidak dapat dihubungi. Coba lagi nanti.", 503)
    return answer


@router.get(CALLBACK)
async def finish_sso(request: Request, rt: Runtime) -> Response:
    if not rt.settings.oidc_enabled():
        return _refused(request, "Masuk lewat SSO tidak diaktifkan di server ini.", 404)
    try:
        token = await sso_client(rt.settings).authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        if not claims:
            raise SsoRefused("Server SSO tidak mengirim tanda masuk (id_token).")
        person = map_claims(rt.settings, claims)
        principal = await run_in_threadpool(provision, rt, person)
    except (OAuthError, JoseError, httpx.HTTPError, ValueError) as exc:
        log.warning("SSO sign-in refused: %s", exc)
        return _refused(request, "Masuk lewat SSO gagal. Coba lagi dari halaman masuk.")
    except SsoRefused as refused:
        log.warning("SSO sign-in refused: %s", refused.message)
        return _refused(request, refused.message, 403)
    lanjut = str(request.session.get(NEXT) or "")
    await run_in_threadpool(sign_in, request, rt, principal)
    flash(request, f"Selamat datang, {principal.name}.")
    return redirect(local_path(lanjut, home_of(principal)))
