from httpx import AsyncClient
from openapi_spec_validator import validate

ERROR_STATUSES = {"400", "422", "429", "500"}


async def test_openapi_document_is_valid(client: AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()

    validate(document)


async def test_api_routes_document_envelope_and_errors(client: AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()

    for path, operations in document["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            responses = operation["responses"]
            assert responses.keys() >= ERROR_STATUSES, (method, path)
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}
            if operation.get("security"):
                assert "401" in responses, (method, path)


async def test_auth_routes_document_their_errors(client: AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]

    assert "409" in paths["/api/v1/auth/register"]["post"]["responses"]
    assert "401" in paths["/api/v1/auth/login"]["post"]["responses"]
    assert "401" in paths["/api/v1/auth/refresh"]["post"]["responses"]
    assert "401" in paths["/api/v1/auth/me"]["get"]["responses"]
