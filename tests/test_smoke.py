def test_start_page_in_swedish(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="sv"' in response.text
    assert "Återföringsdialog efter tillsyn" in response.text
