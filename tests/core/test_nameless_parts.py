"""A multipart body with a part that has no name (no browser sends one) is refused like any
other request without a valid token, never answered with a 500."""

from tests import factories


def _body(boundary: str, parts: list[tuple[str, str]]) -> bytes:
    lines = []
    for disposition, value in parts:
        lines += [f"--{boundary}", f"Content-Disposition: {disposition}", "", value]
    lines.append(f"--{boundary}--")
    return "\r\n".join(lines).encode()


def test_a_part_without_a_name_is_dropped_before_the_csrf_check(client, login):
    login("staff")
    seminar = factories.seminar()
    boundary = "grenze"
    for path in (
        f"/verwaltung/seminare/{seminar.id}/unterlagen",
        f"/seminare/{seminar.id}/anmeldung",
    ):
        response = client.post(
            path,
            data=_body(boundary, [("form-data", "ohne Namen"), ('form-data; name="x"', "1")]),
            content_type=f"multipart/form-data; boundary={boundary}",
        )
        assert response.status_code == 400, path
