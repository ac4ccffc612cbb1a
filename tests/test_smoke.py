from flask.testing import FlaskClient


def test_public_list_serves(client: FlaskClient) -> None:
    assert client.get("/prisoners").status_code == 200
