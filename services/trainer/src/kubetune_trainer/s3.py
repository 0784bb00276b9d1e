"""s3:// locations and the S3 client the trainer uses for them.

Endpoint, region and credentials come from the standard AWS environment variables
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION or
AWS_DEFAULT_REGION, AWS_ENDPOINT_URL for S3-compatible stores such as MinIO), which the
operator fills from spec.output.credentialsSecret. They are passed to boto3 explicitly, so
boto3 never falls back to shared config files or an instance-metadata lookup that would
hang where there is none. Missing credentials are an input error (exit 2), found before
training; everything the store itself refuses or cannot answer is ObjectStoreError (exit 8).
"""

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ExitCode, TrainerError, invalid

# S3's bucket naming rules (lowercase letters, digits, dots, hyphens; 3-63 characters).
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
CREDENTIAL_KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
MISSING_BUCKET_CODES = {"404", "NoSuchBucket"}
DENIED_CODES = {"403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"}


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str  # without leading or trailing "/"; "" for the bucket's root

    def key(self, relative: str) -> str:
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def child(self, relative: str) -> "S3Location":
        return S3Location(self.bucket, self.key(relative))

    def uri(self, relative: str = "") -> str:
        key = self.key(relative) if relative else self.prefix
        return f"s3://{self.bucket}/{key}" if key else f"s3://{self.bucket}"


def parse_s3_uri(uri: str) -> S3Location:
    if not uri.startswith("s3://"):
        raise invalid(f"{uri}: not an s3:// URI")
    bucket, _, prefix = uri[len("s3://") :].partition("/")
    if not BUCKET.match(bucket):
        raise invalid(f"{uri}: {bucket!r} is not a valid S3 bucket name")
    prefix = prefix.strip("/")
    if prefix and any(part in ("", ".", "..") for part in prefix.split("/")):
        raise invalid(f"{uri}: the key prefix has an empty, '.' or '..' segment")
    return S3Location(bucket, prefix)


@dataclass(frozen=True)
class Settings:
    access_key: str
    secret_key: str
    session_token: str | None
    region: str
    endpoint: str | None


def settings_from_env(uri: str, env: Mapping[str, str] = os.environ) -> Settings:
    missing = [name for name in CREDENTIAL_KEYS if not env.get(name)]
    if missing:
        raise invalid(
            f"spec.output.uri is {uri} but {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not set: give the trainer S3 credentials "
            "(spec.output.credentialsSecret names a Secret whose keys become its environment)"
        )
    return Settings(
        access_key=env["AWS_ACCESS_KEY_ID"],
        secret_key=env["AWS_SECRET_ACCESS_KEY"],
        session_token=env.get("AWS_SESSION_TOKEN") or None,
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
        endpoint=env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL") or None,
    )


def make_client(settings: Settings) -> Any:
    import boto3  # noqa: PLC0415  (only s3:// runs pay for the import)
    from botocore.config import Config  # noqa: PLC0415

    config = Config(
        connect_timeout=10,
        read_timeout=120,
        retries={"max_attempts": 4, "mode": "standard"},
        # S3-compatible stores (MinIO, emulators) serve buckets as paths, not host names.
        s3={"addressing_style": "path" if settings.endpoint else "auto"},
    )
    session = boto3.session.Session(
        aws_access_key_id=settings.access_key,
        aws_secret_access_key=settings.secret_key,
        aws_session_token=settings.session_token,
        region_name=settings.region,
    )
    return session.client("s3", endpoint_url=settings.endpoint, config=config)


def _error_code(error: BaseException) -> str:
    # upload_file wraps the ClientError in S3UploadFailedError; look through the chain.
    current: BaseException | None = error
    while current is not None:
        response = getattr(current, "response", None)
        if isinstance(response, dict):
            return str(response.get("Error", {}).get("Code", ""))
        current = current.__cause__ or current.__context__
    return ""


def describe(error: BaseException, location: S3Location) -> str:
    code = _error_code(error)
    if code in MISSING_BUCKET_CODES:
        return f"the bucket {location.bucket} does not exist"
    if code in DENIED_CODES:
        return f"access to {location.uri()} was denied ({code}): check the credentials and policy"
    return f"{type(error).__name__}: {error}"


def store_error(action: str, location: S3Location, error: BaseException) -> TrainerError:
    return TrainerError(
        ExitCode.OBJECT_STORE, f"cannot {action} {location.uri()}: {describe(error, location)}"
    )


def store_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean the store refused or could not be reached."""
    from boto3.exceptions import Boto3Error  # noqa: PLC0415
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    return (BotoCoreError, ClientError, Boto3Error)
